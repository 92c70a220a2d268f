/* tui_driver.c - the live view alone, as `poolviz play` / `poolviz replay`
 * run it: for the end-to-end test while the program's dispatcher does not
 * route those commands yet. Usage: tui_driver [play [options] | replay FILE]. */
#include <string.h>

#include "tui/tui.h"

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "replay") == 0)
        return tui_replay(argv[2]);
    if (argc > 1 && strcmp(argv[1], "play") == 0)
        return tui_play(argc - 1, argv + 1);
    return tui_play(1, argv);
}
