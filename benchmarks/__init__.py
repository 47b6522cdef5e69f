"""Benchmarks: executor throughput, env overhead, agent evaluation."""
