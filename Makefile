# SPDX-License-Identifier: GPL-2.0
# Harness for the "kernel DMA with PASID" series on Debian's linux-source-6.1.
# `make help` lists the targets; README.md says what each does.

SHELL := /bin/bash
S := scripts

TARGETS := help setup export build kunit boot check matrix variants test check-all run bench harness-test mutants clean

.PHONY: $(TARGETS)

help:
	@echo "targets:"
	@echo "  make run     build the patched kernel, boot it under QEMU (q35 + VT-d + edu),"
	@echo "               run the demonstration and selftests, leave a shell on a terminal"
	@echo "  make test    setup, build, one boot per bed (KUnit and guest tests), static"
	@echo "               checks, config matrix (18 to 25 min cold); last line: N passed, N failed"
	@echo "  make check-all  make test, plus every prefix built, the variants and the"
	@echo "               fail-nth selftest walked exhaustively (before a new version)"
	@echo "  make setup   install packages, unpack the base into work/linux, apply patches/"
	@echo "  make export  write patches/ again from work/linux's commits (base..HEAD)"
	@echo "  make build   configure and build the test kernel (work/linux/.build)"
	@echo "  make kunit   run the KUnit suites under QEMU (after build; BED=sl|fl, default sl)"
	@echo "  make boot    boot the initramfs with the guest tests (after build; BED=sl|fl)"
	@echo "  make check   checkpatch; W=1, sparse, coccinelle, kernel-doc HEAD against base;"
	@echo "               the touched pages through Sphinx (CHECK_PREFIXES=1: every prefix)"
	@echo "  make matrix  the touched directories with W=1 and CONFIG_WERROR in the"
	@echo "               configurations of config/matrix"
	@echo "  make variants  the KUnit suites built, loaded and run as modules"
	@echo "               (KUNIT_ALL_TESTS=m), and the series compiled without KUnit"
	@echo "  make bench   what PASID attachments cost the DMA API, one boot per bed"
	@echo "               (BED=sl|fl for one): bench/RESULTS.md side by side, bench/BED/"
	@echo "  make harness-test  the verdict against fabricated logs (seconds, no kernel)"
	@echo "  make mutants  apply each bug of mutants/mutants.conf, rebuild, run the tests"
	@echo "               that should notice: mutants/RESULTS.md (long; not in make test)"
	@echo "  make clean   remove build output and logs (keeps work/linux and ccache)"

setup:
	@$(S)/setup.sh

export:
	@$(S)/export.sh

build: setup
	@$(S)/build.sh

# The test bed of make kunit and make boot (config/beds); make test and
# make run use every bed.
BED ?= sl

kunit: build
	@HARNESS_BED=$(BED) $(S)/kunit.sh

boot: build
	@HARNESS_BED=$(BED) $(S)/boot.sh

check: build
	@$(S)/check.sh

matrix: build
	@$(S)/matrix.sh

variants: build
	@$(S)/variants.sh

test:
	@$(S)/test.sh

check-all:
	@$(S)/test.sh all

run: build
	@$(S)/run.sh

# make bench measures every bed unless BED is given.
bench: build
	@$(S)/bench.sh $(if $(filter command line environment,$(origin BED)),$(BED))

harness-test:
	@$(S)/harness-test.py

mutants: build
	@$(S)/mutants.py

clean:
	rm -rf work/linux/.build work/linux/.build-mod work/linux/.build-matrix work/htmldocs work/mutants work/bisect work/check-cache work/logs work/linux/.build-bench work/bench

Makefile: ;

.DEFAULT:
	@echo "make: unknown target '$@'" >&2
	@$(MAKE) --no-print-directory help >&2
	@exit 2
