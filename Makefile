# SPDX-License-Identifier: GPL-2.0
# Harness for the "kernel DMA with PASID" series on Debian's linux-source-6.1.
# `make help` lists the targets; README.md says what each does.

SHELL := /bin/bash
S := scripts

TARGETS := help setup export build kunit boot check test run bench clean

.PHONY: $(TARGETS)

help:
	@echo "targets:"
	@echo "  make run     build the patched kernel, boot it under QEMU (q35 + VT-d + edu),"
	@echo "               run the demonstration and selftests, leave a shell on a terminal"
	@echo "  make test    setup, build, KUnit and guest tests under QEMU, static checks;"
	@echo "               last line: N passed, N failed"
	@echo "  make setup   install packages, unpack the base into work/linux, apply patches/"
	@echo "  make export  write patches/ again from work/linux's commits (base..HEAD)"
	@echo "  make build   configure and build the test kernel (work/linux/.build)"
	@echo "  make kunit   run the KUnit suites under QEMU (after build)"
	@echo "  make boot    boot the initramfs with the guest tests (after build)"
	@echo "  make check   checkpatch, per-prefix W=1 builds, sparse, coccinelle, kernel-doc"
	@echo "  make bench   what PASID attachments cost the DMA API, in one boot:"
	@echo "               bench/RESULTS.md and bench/bench.png"
	@echo "  make clean   remove build output and logs (keeps work/linux and ccache)"

setup:
	@$(S)/setup.sh

export:
	@$(S)/export.sh

build: setup
	@$(S)/build.sh

kunit: build
	@$(S)/kunit.sh

boot: build
	@$(S)/boot.sh

check: build
	@$(S)/check.sh

test:
	@$(S)/test.sh

run: build
	@$(S)/run.sh

bench: build
	@$(S)/bench.sh

clean:
	rm -rf work/linux/.build work/bisect work/check-cache work/logs work/linux/.build-bench work/initramfs work/initramfs.cpio.gz work/bench

Makefile: ;

.DEFAULT:
	@echo "make: unknown target '$@'" >&2
	@$(MAKE) --no-print-directory help >&2
	@exit 2
