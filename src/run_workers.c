/*
 * run_workers.c - --jobs: worker processes, each with its own ledger
 * connection and PDF writer, that report back through a pipe.
 */
#include "night.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pdf.h"

/* What a worker tells the parent when it is done. */
struct worker_report {
	int code;
	long written, resumed;
	double stage[ST_COUNT];
	char msg[sizeof(((struct ng_err *)0)->msg)];
};

/*
 * One worker: its own connection to the ledger (SQLite connections must
 * not cross fork), the writer and fonts inherited from the parent. Never
 * returns.
 */
static void __attribute__((noreturn)) worker(struct night *n, night_task task, const void *arg, int job, int fd)
{
	struct worker_report rep;
	struct ng_err err = { 0 };

	memset(&rep, 0, sizeof(rep));
	/* A killed parent takes its workers with it: no orphan goes on writing and holding the lock. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != n->parent)
		_exit(1);
	n->job = job;
	/* It reports its own work only: the parent already counts what came before the fork. */
	n->written = n->resumed = 0;
	memset(n->stage, 0, sizeof(n->stage));
	/*
	 * Its own PDF writer too: libharu reads glyph data from the font files
	 * at save time, and a file opened before fork shares its offset with
	 * the other workers.
	 */
	pdf_free(n->pdf);
	n->pdf = pdf_new(n->fonts, &err);
	n->led = n->pdf ? ledger_open(n->cfg.ledger, &err) : NULL;
	if (!n->led || task(n, arg, &err))
		rep.code = err.code ? (int)err.code : NG_EINTERNAL;
	rep.written = n->written;
	rep.resumed = n->resumed;
	memcpy(rep.stage, n->stage, sizeof(rep.stage));
	memcpy(rep.msg, err.msg, sizeof(rep.msg));
	ledger_close(n->led);
	if (write(fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		_exit(1);
	_exit(0);
}

/*
 * Starts task in jobs worker processes, worker k with n->job = k. The
 * parent gets a connection of its own again, opened after the fork, so it
 * can work beside them until night_workers_wait.
 */
int night_workers_start(struct night *n, int jobs, night_task task, const void *arg, struct night_workers *w,
			struct ng_err *err)
{
	int k;

	memset(w, 0, sizeof(*w));
	ledger_close(n->led);
	n->led = NULL;
	n->jobs = jobs;
	n->parent = getpid();
	for (k = 0; k < jobs; k++) {
		if (pipe(w->fd[k]) != 0 || (w->pid[k] = fork()) < 0) {
			ng_fail(err, NG_EINTERNAL, "cannot start worker %d: %s", k, strerror(errno));
			break;
		}
		if (w->pid[k] == 0) {
			close(w->fd[k][0]);
			worker(n, task, arg, k, w->fd[k][1]);
		}
		close(w->fd[k][1]);
		w->jobs++;
	}
	n->job = 0;
	n->jobs = 1;
	n->led = ledger_open(n->cfg.ledger, w->jobs == jobs ? err : NULL);
	if (w->jobs < jobs || !n->led) {
		night_workers_wait(n, w, NULL);
		return -1;
	}
	return 0;
}

/*
 * Waits for all the workers and adds up their reports. The output is the
 * same as one process's: documents are deterministic and their order
 * comes from ord, not from who made them. err NULL: only wait.
 */
int night_workers_wait(struct night *n, struct night_workers *w, struct ng_err *err)
{
	int k, ret = 0;

	for (k = 0; k < w->jobs; k++) {
		struct worker_report rep;
		int status = 0, i;
		ssize_t got = read(w->fd[k][0], &rep, sizeof(rep));

		close(w->fd[k][0]);
		waitpid(w->pid[k], &status, 0);
		if (got != (ssize_t)sizeof(rep)) {
			if (!ret)
				ret = ng_fail(err, NG_EINTERNAL, "worker %d died (status %d)", k, status);
			continue;
		}
		n->written += rep.written;
		n->resumed += rep.resumed;
		for (i = 0; i < ST_COUNT; i++)
			n->stage[i] += rep.stage[i];
		if (rep.code && !ret)
			ret = ng_fail(err, (enum ng_code)rep.code, "%s", rep.msg);
	}
	w->jobs = 0;
	return ret;
}

int night_in_workers(struct night *n, int jobs, night_task task, const void *arg, struct ng_err *err)
{
	struct night_workers w;

	if (night_workers_start(n, jobs, task, arg, &w, err))
		return -1;
	return night_workers_wait(n, &w, err);
}
