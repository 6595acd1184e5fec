# make bench (tests/bench/run): the in-guest timer of the boot-path benchmark.
# Static, so the emulated boot's initramfs needs nothing else for it; built only
# when the benchmark asks for it, never by `make all` or `make check`.
BENCH_TIMER := $(B)/bench/rpihw-bench-timer

$(BENCH_TIMER): tests/bench/timer.c tests/bench/build.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static -o $@ $< $(ALL_LDFLAGS)
