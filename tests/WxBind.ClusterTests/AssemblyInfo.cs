// Every test shares one cluster (nginx, three instances, one emulator) and counts which instance
// answered each of its requests: they run one at a time so no other test's traffic is mixed in.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
