#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ng_fail(struct ng_err *err, enum ng_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void ng_err_prefix(struct ng_err *err, const char *fmt, ...)
{
	char head[256], old[sizeof(err->msg)];
	size_t hl, room;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	hl = strlen(head);
	memcpy(err->msg, head, hl);
	memcpy(err->msg + hl, ": ", 2);
	room = sizeof(err->msg) - hl - 3;
	hl += 2;
	/* Cut the old message to what is left; the head names the context and matters more. */
	if (strlen(old) < room)
		room = strlen(old);
	memcpy(err->msg + hl, old, room);
	err->msg[hl + room] = '\0';
}

const char *ng_code_name(enum ng_code code)
{
	switch (code) {
	case NG_OK:        return "ok";
	case NG_ECONFIG:   return "config error";
	case NG_ELEDGER:   return "ledger error";
	case NG_EDATA:     return "bad case data";
	case NG_EOUTPUT:   return "output error";
	case NG_ELOCKED:   return "already running";
	case NG_EUSAGE:    return "usage error";
	case NG_ESECRET:   return "secret error";
	case NG_EINTERNAL: return "internal error";
	}
	return "error";
}
