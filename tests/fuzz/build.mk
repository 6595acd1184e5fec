# libFuzzer harnesses (clang): `make fuzz` runs each for FUZZ_SECONDS; the bats
# suite tests/fuzz/fuzz.bats replays every corpus once as a regression test.

FUZZ_B       ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := dtbo overrides cmdline config text
FUZZ_BINS    := $(addprefix $(FUZZ_B)/fuzz-,$(FUZZ_NAMES))
FUZZ_FLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -Ihelpers/lib -Ihelpers/overlay-slammer

fuzz_srcs_dtbo     := helpers/overlay-slammer/dtbo.c helpers/overlay-slammer/dt.c helpers/overlay-slammer/dtindex.c helpers/lib/text.c
fuzz_srcs_cmdline  := helpers/lib/cmdline.c helpers/lib/config.c helpers/lib/fsutil.c \
                      $(B)/obj/lib/gen/config-defaults.c
fuzz_srcs_config   := $(fuzz_srcs_cmdline)
fuzz_srcs_overrides := helpers/overlay-slammer/params.c $(fuzz_srcs_dtbo) $(fuzz_srcs_cmdline)
fuzz_srcs_text     := helpers/lib/text.c

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

.SECONDEXPANSION:
$(FUZZ_B)/fuzz-%: tests/fuzz/fuzz-%.c $$(fuzz_srcs_$$*) Makefile | $(FDT_DEPS)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) $(FDT_CFLAGS) -o $@ $< $(fuzz_srcs_$*) $(FDT_LIBS)

# New inputs go to build/fuzz/corpus-NAME; tests/fuzz/corpus/NAME stays as committed.
fuzz: $(FUZZ_BINS)
	@for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_B)/corpus-$$n; \
		echo "fuzz-$$n: $(FUZZ_SECONDS) s"; \
		$(FUZZ_B)/fuzz-$$n -max_total_time=$(FUZZ_SECONDS) -timeout=5 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_B)/crash-$$n- \
			$(FUZZ_B)/corpus-$$n tests/fuzz/corpus/$$n 2>&1 | \
			grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Test unit written' || exit 1; \
	done
