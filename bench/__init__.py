"""Benchmark of this assistant against Rasa's starter bot (issue #6); run with `make bench`."""
