//go:build !unix

package importer_test

import "time"

// cpuTime is not measured here; the benchmarks report 0 CPU µs a row.
func cpuTime() time.Duration { return 0 }
