/* describe.h - the words every view uses for a run's parts: the names of
 * actors and objects as the model declared them, and what a job's error or
 * a context's cancellation means. One place, so the text trace, the JSON
 * lines and the Chrome trace all say the same thing. */
#ifndef POOLVIZ_VIEWS_DESCRIBE_H
#define POOLVIZ_VIEWS_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* The declared name of an actor ("worker 2"), or NULL when none was
 * declared (id 0 is the runtime's timer thread or a control). */
const char *view_actor_name(const model_t *m, int id);
/* The declared name of an object ("results"), or NULL. */
const char *view_object_name(const model_t *m, int id);
/* A job's error as Go's err.Error() would read: "simulated failure" or an
 * errno's text. Writes into buf and returns it. */
const char *view_job_error(int32_t err, char *buf, size_t len);
/* Virtual ns as seconds. */
double view_seconds(int64_t ns);
/* A span of real time, short or long, readably: "1.25s", "0.61ms". Writes
 * into buf and returns it. */
const char *view_real_span(int64_t ns, char *buf, size_t len);

#endif
