/* tui.h - the live view's entry points, for the program's dispatcher. */
#ifndef POOLVIZ_TUI_TUI_H
#define POOLVIZ_TUI_TUI_H

/* `poolviz play [run options]`: the live view of a run. argv[0] is "play"
 * (or the program, for `poolviz` without arguments, which plays the default
 * experiment: 3 workers, 9 one-second jobs). Returns the exit status: 0, 64
 * on a usage error, 1 when the view cannot start (not a terminal, ...). */
int tui_play(int argc, char **argv);

/* `poolviz replay FILE.jsonl`: plays a recorded run back. Returns the exit
 * status as tui_play. */
int tui_replay(const char *path);

#endif
