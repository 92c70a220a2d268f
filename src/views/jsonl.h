/* jsonl.h - the JSON lines format of a run: one flat JSON object per event,
 * per line, carrying every pevent_t field (so a file replays to exactly the
 * events of the run) plus the actor's and object's names for people and
 * other tools. The reader is for `poolviz replay`: any file, however broken,
 * gives events or one "FILE:LINE:COL: message" error, never a crash.
 *
 * A line: {"seq":7,"t":1000000000,"real":1834,"kind":"job_start","actor":4,
 * "actor_name":"worker 1","obj":0,"job":1,"value":0,"aux":1000000000,
 * "wait":"","ok":0,"err":0}. "kind" and "wait" are names (pevent_kind_name,
 * pool_wait_name; "" for no wait); the reader also takes their numbers,
 * ignores fields it does not know, and defaults missing ones to 0 except
 * "kind", which is required. */
#ifndef POOLVIZ_VIEWS_JSONL_H
#define POOLVIZ_VIEWS_JSONL_H

#include <stddef.h>
#include <stdio.h>

#include "engine/pevent.h"
#include "model/model.h"

/* Writes ev as one line; m (may be NULL) supplies the names. */
void jsonl_write_event(FILE *f, const pevent_t *ev, const model_t *m);

/* Parses one line (len bytes, no newline; NUL bytes are errors). Returns 0,
 * or -1 with the 1-based column of the fault in *col and a message. */
int jsonl_parse_line(const char *line, size_t len, pevent_t *ev, size_t *col, char *msg, size_t msglen);

/* Reads every event of f, named `name` in errors. Blank lines are skipped;
 * a file without events is an error. On success *events (free() it) holds
 * *n events; on failure they are NULL and 0 and err has one line. */
int jsonl_read_stream(FILE *f, const char *name, pevent_t **events, size_t *n, char *err, size_t errlen);
int jsonl_read_file(const char *path, pevent_t **events, size_t *n, char *err, size_t errlen);

#endif
