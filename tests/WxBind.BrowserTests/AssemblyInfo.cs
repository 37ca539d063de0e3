// Each browser test starts its own app and Chromium; run one at a time so that a 2-core machine
// gives every page its full attention and no wait depends on how busy the others are.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
