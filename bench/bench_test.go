package bench

import (
	"context"
	"testing"
)

// Besides ns/op, B/op and allocs/op, each benchmark reports cpu-ns/op: the process CPU time
// (client, server, garbage collector) per run. See cpuTime.

// BenchmarkWorkflows runs every seed workflow with every implementation:
// BenchmarkWorkflows/<workflowId>/<generated|handwritten|engine>. One operation is one whole
// workflow run (two or three HTTP exchanges over a kept-alive connection), server included.
func BenchmarkWorkflows(b *testing.B) {
	for _, w := range workflows {
		b.Run(w.id, func(b *testing.B) {
			for _, impl := range implementations {
				b.Run(impl.name, func(b *testing.B) {
					srv, _ := serve(b, w, false)
					hc := srv.Client()
					r := impl.build(b, w, basesFor(srv.URL), hc)
					ctx := context.Background()
					// One run outside the measurement opens the connection and fills any
					// cache the implementation keeps (the engine's parsed expressions).
					if _, err := r(ctx); err != nil {
						b.Fatal(err)
					}
					b.ReportAllocs()
					b.ResetTimer()
					cpu0 := cpuTime()
					for b.Loop() {
						out, err := r(ctx)
						if err != nil || out == nil {
							b.Fatalf("run: %v, outputs %v", err, out)
						}
					}
					b.StopTimer()
					b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
					hc.CloseIdleConnections()
				})
			}
		})
	}
}
