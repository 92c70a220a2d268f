/* draw_results.c - the results channel pane, and the results collected
 * from it (counts, failures, the latest values). */
#include "tui/draw.h"
#include "tui/draw_chan.h"

#include <inttypes.h>
#include <stdio.h>

void draw_results(WINDOW *w, const model_t *m, const theme_t *t, rect_t r)
{
    const model_object_t *res = chan_object(m, m->results_obj);
    char right[96];
    chan_heading(right, sizeof right, res);
    draw_rule(w, r, t, "results channel", right);
    int x = r.x + 1, width = r.w - 1, y = r.y + 1, bottom = r.y + r.h;
    chan_draw_line(w, y++, x, width, res, t);
    if (res && y < bottom)
        chan_draw_blocked(w, y++, x, width, m, m->results_obj, t);
    if (y >= bottom)
        return;
    int col = x;
    col += putf(w, y, col, width, t->attr[TA_GOOD], "collected %" PRId64, m->results_collected);
    col += putf(w, y, col, x + width - col, A_NORMAL, " of %" PRId64, m->jobs_planned);
    if (m->jobs_failed)
        col += putf(w, y, col, x + width - col, t->attr[TA_ERROR], ", %" PRId64 " failed", m->jobs_failed);
    if (m->jobs_cancelled)
        putf(w, y, col, x + width - col, t->attr[TA_DIM], ", %" PRId64 " cancelled", m->jobs_cancelled);
    y++;
    /* The latest results, newest first, as job:value; wrapped. */
    col = x;
    if (y < bottom && m->recent_len)
        col += put(w, y, col, width, t->attr[TA_DIM], "latest ");
    for (size_t i = 0; i < m->recent_len && y < bottom; i++) {
        const model_result_t *res_i = model_recent(m, i);
        char tok[48];
        if (res_i->failed)
            snprintf(tok, sizeof tok, "%" PRId64 ":err", res_i->job);
        else
            snprintf(tok, sizeof tok, "%" PRId64 ":%" PRId64, res_i->job, res_i->value);
        int need = text_width(tok);
        if (col + need > x + width) {
            if (++y >= bottom)
                break;
            col = x + 7; /* under the first token, past "latest " */
        }
        col += put(w, y, col, need, res_i->failed ? t->attr[TA_ERROR] : A_NORMAL, tok) + 1;
    }
}
