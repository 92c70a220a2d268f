/* describe.c - names and error texts for the views (describe.h). */
#include "views/describe.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/job.h"

static bool valid_id(int id, int n) { return id > 0 && id < n; }

const char *view_actor_name(const model_t *m, int id)
{
    if (!m || !valid_id(id, MODEL_MAX_ACTORS) || !m->actors[id].known)
        return NULL;
    return m->actors[id].name;
}

const char *view_object_name(const model_t *m, int id)
{
    if (!m || !valid_id(id, MODEL_MAX_OBJECTS) || !m->objects[id].known)
        return NULL;
    return m->objects[id].name;
}

const char *view_job_error(int32_t err, char *buf, size_t len)
{
    if (err == JOB_ESIMULATED)
        snprintf(buf, len, "simulated failure");
    else if (err > 0)
        snprintf(buf, len, "%s", strerror(err)); /* lines jobs report errnos */
    else
        snprintf(buf, len, "error %d", (int)err);
    return buf;
}

double view_seconds(int64_t ns) { return (double)ns / 1e9; }

const char *view_real_span(int64_t ns, char *buf, size_t len)
{
    if (ns >= 1000000000)
        snprintf(buf, len, "%.2fs", view_seconds(ns));
    else
        snprintf(buf, len, "%.2fms", (double)ns / 1e6);
    return buf;
}
