package bench

import (
	"crypto/rand"
	"runtime"
	"sync"
	"time"

	"github.com/prysmaticlabs/gohashtree"
)

// hashRateBuf is the input each goroutine hashes over and over: large
// enough not to sit in the CPU caches, as a state's levels do not.
const hashRateBuf = 32 << 20

// HashRate is gohashtree's measured throughput in 64-byte hashes.
type HashRate struct {
	// PerSecond is hashes per second of wall time, all goroutines
	// together: what the machine delivered while other processes ran.
	PerSecond float64
	// PerCPUSecond is hashes per second of CPU time of the hashing threads
	// (Linux; 0 elsewhere): the rate of a core given to the hashing, which
	// other processes on the machine disturb much less.
	PerCPUSecond float64
}

// MeasureHashRate measures gohashtree with the given number of goroutines,
// each locked to its own thread and hashing its own buffer, for about d
// per round, and keeps the best of five rounds. With goroutines <=
// GOMAXPROCS each goroutine can have a core to itself.
func MeasureHashRate(goroutines int, d time.Duration) HashRate {
	if goroutines < 1 {
		goroutines = 1
	}
	if p := runtime.GOMAXPROCS(0); p < goroutines {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(goroutines))
	}
	in := make([][]byte, goroutines)
	out := make([][]byte, goroutines)
	for g := range in {
		in[g] = make([]byte, hashRateBuf)
		_, _ = rand.Read(in[g])
		out[g] = make([]byte, hashRateBuf/2)
	}
	var best HashRate
	for round := 0; round < 5; round++ {
		var wg sync.WaitGroup
		counts := make([]int64, goroutines)
		cpu := make([]time.Duration, goroutines)
		start := time.Now()
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				c0, ok := threadCPU()
				for time.Since(start) < d {
					// 1 MiB slices keep each call short and preemptible.
					for off := 0; off < hashRateBuf; off += 1 << 20 {
						if err := gohashtree.HashByteSlice(out[g][off/2:off/2+1<<19], in[g][off:off+1<<20]); err != nil {
							panic(err)
						}
					}
					counts[g] += hashRateBuf / 64
				}
				if c1, ok1 := threadCPU(); ok && ok1 {
					cpu[g] = c1 - c0
				}
			}()
		}
		wg.Wait()
		el := time.Since(start).Seconds()
		var total int64
		var perCPU float64
		for g, c := range counts {
			total += c
			if cpu[g] > 0 {
				perCPU += float64(c) / cpu[g].Seconds()
			}
		}
		if r := float64(total) / el; r > best.PerSecond {
			best.PerSecond = r
		}
		if perCPU > best.PerCPUSecond {
			best.PerCPUSecond = perCPU
		}
	}
	return best
}
