// Every test here loads the machine on purpose (a published app, thousands of requests, a
// database taken away): one at a time, so their figures are their own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
