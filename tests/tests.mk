# Host tests of the pool engines (owned by tests/; see tests/README.md).
.PHONY: tests test
tests: engine
test: test-freestanding
