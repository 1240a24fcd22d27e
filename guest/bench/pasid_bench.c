// SPDX-License-Identifier: GPL-2.0
/*
 * What a PASID attachment costs the DMA API, measured in the guest of
 * `make bench` through the series' test driver (/dev/iommu_pasid_test) and
 * the kernel's DMA map benchmark (tools/testing/selftests/dma).
 *
 *   pasid_bench map DEVICE MODE ROUNDS SECONDS
 *	For 0, 1, 4 and 16 PASIDs attached to DEVICE's DMA domain, ROUNDS
 *	times (interleaved, so that drift of the emulator hits every count
 *	alike): dma_map_benchmark's map and unmap latency, and the VT-d
 *	invalidation descriptors submitted per dma_map_page() and per
 *	dma_unmap_page() (exact, around NR_MAP pages: the qi_submit
 *	tracepoint's events and the function tracer's calls of
 *	qi_submit_sync(), one per submission and its wait).
 *   pasid_bench api DEVICE ROUNDS
 *	attach+detach latency of one more PASID with 1, 64, 1024 and all but
 *	one of the device's PASIDs attached; allocate+free throughput of
 *	global and device-local PASIDs with as many of the same scope in use,
 *	of each scope with as many of the other in use, and of each scope
 *	past as many values where the two scopes alternate.
 *
 * Every figure is one line "BENCH key=value ...", read by the host's
 * scripts/bench-report.py. Exit status 1 when a step fails.
 */
#include <sys/mount.h>
#include <time.h>

/* The selftests' helpers: each returns 0 or -errno. */
#include "tools/testing/selftests/iommu/iommu_pasid_utils.h"

#define MAX_PASIDS	4096	/* the test driver's limit for edu */
#define NR_MAP		1024	/* pages per descriptor count */
#define TRACEFS		"/sys/kernel/tracing"
#define MAP_BENCH	"/bench/dma_map_benchmark"

static const char *device;

static void die(const char *what, int err)
{
	printf("BENCH error step=\"%s\" errno=%d (%s)\n", what, err,
	       strerror(err));
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int bind_device(void)
{
	struct iommu_pasid_test_bind b = { .max_pasids = MAX_PASIDS };
	int fd = open(IOMMU_PASID_TEST_DEV, O_RDWR);

	if (fd < 0)
		die("open " IOMMU_PASID_TEST_DEV, errno);
	snprintf(b.name, sizeof(b.name), "%s", device);
	if (ioctl(fd, IOMMU_PASID_TEST_BIND, &b))
		die("bind", errno);
	if (b.max_pasids != MAX_PASIDS)
		die("the device keeps a PASID limit of its own", EINVAL);
	return fd;
}

static unsigned int alloc_pasid(int fd, unsigned int scope)
{
	unsigned int pasid = 0;
	int ret = pasid_alloc(fd, scope, &pasid);

	if (ret)
		die("allocate", -ret);
	return pasid;
}

static void free_pasid(int fd, unsigned int scope, unsigned int pasid)
{
	int ret = pasid_free(fd, scope, pasid);

	if (ret)
		die("free", -ret);
}

static void attach(int fd, unsigned int pasid)
{
	int ret = pasid_attach(fd, pasid, IOMMU_PASID_TEST_DMA_DOMAIN);

	if (ret)
		die("attach", -ret);
}

static void detach(int fd, unsigned int pasid)
{
	int ret = pasid_detach(fd, pasid);

	if (ret)
		die("detach", -ret);
}

/* @n local PASIDs attached to the device's DMA domain. */
static void attach_n(int fd, unsigned int n)
{
	while (n--)
		attach(fd, alloc_pasid(fd, IOMMU_PASID_TEST_LOCAL));
}

static void trace_write(const char *file, const char *val)
{
	char path[128];
	size_t len = strlen(val);
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0 || (len && write(fd, val, len) != (ssize_t)len))
		die(path, errno);
	close(fd);
}

/*
 * Count with the kernel's own tracing: every invalidation descriptor
 * qi_submit_sync() queues is a qi_submit event (its wait is not), and
 * every submission a call of qi_submit_sync() that the function tracer
 * records. Both are on only between trace_start() and trace_stop(): an
 * enabled tracer costs each call even with tracing_on at 0, and the
 * latencies are measured without it.
 */
static void trace_setup(void)
{
	if (access(TRACEFS "/trace", F_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		die("mount " TRACEFS, errno);
	trace_write("tracing_on", "0");
	trace_write("buffer_size_kb", "16384");
	trace_write("set_ftrace_filter", "qi_submit_sync");
}

static void trace_start(void)
{
	trace_write("current_tracer", "function");
	trace_write("events/intel_iommu/qi_submit/enable", "1");
	trace_write("trace", "");
	trace_write("tracing_on", "1");
}

/*
 * Descriptors, the wait of each submission included, and submissions
 * since trace_start(), on all VT-d units.
 */
static unsigned long long trace_stop(unsigned long long *syncs)
{
	unsigned long long events = 0, calls = 0, n;
	char path[128], line[512];
	FILE *f;
	int cpu;

	trace_write("tracing_on", "0");
	for (cpu = 0; ; cpu++) {
		snprintf(path, sizeof(path), TRACEFS "/per_cpu/cpu%d/stats", cpu);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %llu", &n) == 1 && n)
				die("trace buffer overrun", EOVERFLOW);
		fclose(f);
	}
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		die("open " TRACEFS "/trace", errno);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (strstr(line, " qi_submit: "))
			events++;
		else if (strstr(line, " qi_submit_sync <-"))
			calls++;
	}
	fclose(f);
	/* Only now: a change of tracer empties the buffer. */
	trace_write("events/intel_iommu/qi_submit/enable", "0");
	trace_write("current_tracer", "nop");
	*syncs = calls;
	return events + calls;
}

/*
 * Descriptors per dma_map_page() and per dma_unmap_page(), and submissions
 * per dma_unmap_page(), exact.
 */
static void count_descriptors(int fd, int fq, double *per_map,
			      double *per_unmap, double *syncs_per_unmap)
{
	unsigned long long map, unmap, syncs;
	int ret;

	trace_start();
	ret = pasid_map(fd, NR_MAP, NULL);
	if (ret)
		die("map", -ret);
	map = trace_stop(&syncs);
	trace_start();
	ret = pasid_unmap(fd);
	if (ret)
		die("unmap", -ret);
	/* A flush queue is flushed by its 10 ms timer: let it run. */
	if (fq)
		usleep(100000);
	unmap = trace_stop(&syncs);
	*per_map = (double)map / NR_MAP;
	*per_unmap = (double)unmap / NR_MAP;
	*syncs_per_unmap = (double)syncs / NR_MAP;
}

/* One run of dma_map_benchmark: average map and unmap latency in us. */
static void map_benchmark(int seconds, double *map_us, double *unmap_us)
{
	char cmd[128], line[256];
	int got = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s -t 1 -s %d -g 1 2>&1", MAP_BENCH, seconds);
	p = popen(cmd, "r");
	if (!p)
		die("run " MAP_BENCH, errno);
	while (fgets(line, sizeof(line), p)) {
		got += sscanf(line, "average map latency(us):%lf", map_us) == 1;
		got += sscanf(line, "average unmap latency(us):%lf", unmap_us) == 1;
	}
	if (pclose(p) || got != 2)
		die(MAP_BENCH " (is the device bound to dma_map_benchmark?)", EIO);
}

static int cmd_map(const char *mode, int rounds, int seconds)
{
	static const unsigned int counts[] = { 0, 1, 4, 16 };
	int fq = !strcmp(mode, "fq"), r;
	unsigned int i;

	trace_setup();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
			double map_us, unmap_us, per_map, per_unmap, syncs;
			int fd = bind_device();

			attach_n(fd, counts[i]);
			map_benchmark(seconds, &map_us, &unmap_us);
			count_descriptors(fd, fq, &per_map, &per_unmap, &syncs);
			printf("BENCH map mode=%s round=%d pasids=%u map_us=%.2f unmap_us=%.2f desc_per_map=%.3f desc_per_unmap=%.3f sync_per_unmap=%.3f\n",
			       mode, r, counts[i], map_us, unmap_us, per_map,
			       per_unmap, syncs);
			fflush(stdout);
			close(fd);
		}
	}
	return 0;
}

/* The in-use counts of the API figures: all but the measured one at most. */
static const unsigned int in_use[] = { 1, 64, 1024, MAX_PASIDS - 2 };
#define NR_IN_USE	(sizeof(in_use) / sizeof(in_use[0]))

static void api_attach(int rounds)
{
	unsigned int i;
	int r;

	for (i = 0; i < NR_IN_USE; i++) {
		int fd = bind_device();
		unsigned int p;
		double t;

		attach_n(fd, in_use[i]);
		p = alloc_pasid(fd, IOMMU_PASID_TEST_LOCAL);
		t = now_us();
		for (r = 0; r < rounds; r++) {
			attach(fd, p);
			detach(fd, p);
		}
		t = now_us() - t;
		printf("BENCH api op=attach_detach in_use=%u max=%u us_per_op=%.2f\n",
		       in_use[i], MAX_PASIDS, t / rounds);
		fflush(stdout);
		close(fd);
	}
}

/*
 * Allocate+free of @scope with @n PASIDs of @held_scope in use. Global
 * PASIDs of the device come from the system-wide space, bounded by the
 * device's limit.
 */
static void api_alloc(int rounds, unsigned int scope, unsigned int held_scope,
		      const char *name)
{
	unsigned int i, k;
	int r;

	for (i = 0; i < NR_IN_USE; i++) {
		int fd = bind_device();
		double t;

		for (k = 0; k < in_use[i]; k++)
			alloc_pasid(fd, held_scope);
		t = now_us();
		for (r = 0; r < rounds; r++)
			free_pasid(fd, scope, alloc_pasid(fd, scope));
		t = now_us() - t;
		printf("BENCH api op=%s in_use=%u max=%u us_per_op=%.2f ops_per_s=%.0f\n",
		       name, in_use[i], MAX_PASIDS, t / rounds, rounds * 1e6 / t);
		fflush(stdout);
		close(fd);
	}
}

/*
 * Allocate+free of @scope past @n values in use where device-local and
 * global PASIDs alternate, the pattern that costs an allocator a round per
 * switch between the two spaces if it searches one and checks the other.
 * The run sits where the allocator looks first: at the bottom of the
 * device's range for a global PASID, at its top for a device-local one, and
 * the value after it is the one the allocation finds. All values of the
 * device are allocated first, then those off the pattern freed.
 */
static void api_interleaved(int rounds, unsigned int scope, const char *name)
{
	int global = scope == IOMMU_PASID_TEST_GLOBAL;
	unsigned int i, k, p, first, last, want;
	int r;

	for (i = 0; i < NR_IN_USE; i++) {
		unsigned int n = in_use[i];
		int fd = bind_device();
		double t;

		/* The run: values first..last, the other scope on every other one. */
		first = global ? 1 : MAX_PASIDS - n;
		last = first + n - 1;
		want = global ? last + 1 : first - 1;
		for (k = 1; k < MAX_PASIDS; k++)
			alloc_pasid(fd, global ? IOMMU_PASID_TEST_LOCAL :
					 IOMMU_PASID_TEST_GLOBAL);
		/* Every other value of the run changes scope. */
		for (p = first + 1; p <= last; p += 2)
			free_pasid(fd, global ? IOMMU_PASID_TEST_LOCAL :
				       IOMMU_PASID_TEST_GLOBAL, p);
		for (p = first + 1; p <= last; p += 2) {
			k = alloc_pasid(fd, global ? IOMMU_PASID_TEST_GLOBAL :
					    IOMMU_PASID_TEST_LOCAL);
			if (k < first || k > last)
				die("build the interleaved run", ERANGE);
		}
		/* Everything off the run is given back. */
		for (p = 1; p < MAX_PASIDS; p++) {
			if (p < first || p > last)
				free_pasid(fd, global ? IOMMU_PASID_TEST_LOCAL :
					       IOMMU_PASID_TEST_GLOBAL, p);
		}
		t = now_us();
		for (r = 0; r < rounds; r++) {
			p = alloc_pasid(fd, scope);
			if (p != want)
				die("allocate past the interleaved run", ERANGE);
			free_pasid(fd, scope, p);
		}
		t = now_us() - t;
		printf("BENCH api op=%s in_use=%u max=%u us_per_op=%.2f ops_per_s=%.0f\n",
		       name, n, MAX_PASIDS, t / rounds, rounds * 1e6 / t);
		fflush(stdout);
		close(fd);
	}
}

static int cmd_api(int rounds)
{
	api_attach(rounds);
	api_alloc(rounds * 10, IOMMU_PASID_TEST_GLOBAL, IOMMU_PASID_TEST_GLOBAL,
		  "alloc_free_global");
	api_alloc(rounds * 10, IOMMU_PASID_TEST_LOCAL, IOMMU_PASID_TEST_LOCAL,
		  "alloc_free_local");
	api_alloc(rounds * 10, IOMMU_PASID_TEST_GLOBAL, IOMMU_PASID_TEST_LOCAL,
		  "alloc_free_global_over_local");
	api_alloc(rounds * 10, IOMMU_PASID_TEST_LOCAL, IOMMU_PASID_TEST_GLOBAL,
		  "alloc_free_local_over_global");
	api_interleaved(rounds * 10, IOMMU_PASID_TEST_GLOBAL,
			"alloc_free_global_interleaved");
	api_interleaved(rounds * 10, IOMMU_PASID_TEST_LOCAL,
			"alloc_free_local_interleaved");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "map")) {
		device = argv[2];
		return cmd_map(argv[3], atoi(argv[4]), atoi(argv[5]));
	}
	if (argc == 4 && !strcmp(argv[1], "api")) {
		device = argv[2];
		return cmd_api(atoi(argv[3]));
	}
	fprintf(stderr, "usage: %s map DEVICE strict|fq ROUNDS SECONDS\n"
		"       %s api DEVICE ROUNDS\n", argv[0], argv[0]);
	return 2;
}
