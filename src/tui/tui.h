/* tui.h - the live view's entry points, for the program's dispatcher. */
#ifndef POOLVIZ_TUI_TUI_H
#define POOLVIZ_TUI_TUI_H

/* `poolviz play [run options]`: the live view of a run. argv[0] is "play"
 * (or the program, for `poolviz` without arguments, which plays the default
 * experiment: 3 workers, 9 one-second jobs). Takes every option of
 * `poolviz run` except its output ones (--format, --trace, --quiet: a usage
 * error). Returns the exit status: 0, 64 on a usage error (said before the
 * terminal changes), 1 when the view cannot start (not a terminal, ...). */
int tui_play(int argc, char **argv);

/* `poolviz replay FILE.jsonl`: plays back a run recorded with `poolviz run
 * --format jsonl`, with the live view's keys except those that change a run.
 * Returns the exit status: 0; 65 (EX_DATAERR) when the file does not parse,
 * with the reader's "FILE:LINE:COL: message" on stderr; 1 when it cannot be
 * read or the view cannot start. "--help" prints the usage. */
int tui_replay(const char *path);

/* `poolviz lesson NAME|FILE`: the lesson screen (lesson_view.h) of one
 * lesson, found as `poolviz lessons` finds them. argv[0] is "lesson".
 * Returns the exit status: 0; 64 when no such lesson (or a usage error),
 * 65 when its file has errors (the first, as FILE:LINE:COL: message), both
 * said in one line before the terminal changes; 1 when the view cannot
 * start. */
int tui_lesson(int argc, char **argv);

/* `poolviz` without arguments: a menu of the installed lessons and the
 * free play (the default experiment); q quits. Without lessons, the free
 * play opens at once, as tui_play. Returns the exit status. */
int tui_menu(int argc, char **argv);

#endif
