package summary
