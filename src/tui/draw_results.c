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
    /* The counts, each part whole or cut at a word with an ellipsis. */
    char part[3][48];
    attr_t part_attr[3] = {t->attr[TA_GOOD], t->attr[TA_ERROR], t->attr[TA_DIM]};
    snprintf(part[0], sizeof part[0], "collected %" PRId64 " of %" PRId64, m->results_collected, m->jobs_planned);
    snprintf(part[1], sizeof part[1], m->jobs_failed ? ", %" PRId64 " failed" : "", m->jobs_failed);
    snprintf(part[2], sizeof part[2], m->jobs_cancelled ? ", %" PRId64 " cancelled" : "", m->jobs_cancelled);
    int col = x;
    for (int i = 0; i < 3 && col < x + width; i++) {
        int room = x + width - col, need = text_width(part[i]);
        col += put_fit(w, y, col, room, part_attr[i], part[i], t);
        if (need > room)
            break;
    }
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
