/* ncursesw for Swift 6.
 *
 * Swift imports curses' functions directly but not its function-like macros (attributes, colour
 * pairs, mouse masks, getmaxyx) nor, in Swift 6 language mode, its mutable globals (stdscr,
 * COLORS, ...), which are "not concurrency-safe". Each shim below is a one-line static inline
 * function the Clang importer compiles on the Swift side; no C target is needed.
 * Only Sources/Explorer/Terminal imports this module.
 */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1 /* else curses.h hides cchar_t and the *_wch API */
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Attributes (built with the function-like NCURSES_BITS). */
static inline attr_t nc_a_normal(void) { return A_NORMAL; }
static inline attr_t nc_a_bold(void) { return A_BOLD; }
static inline attr_t nc_a_dim(void) { return A_DIM; }
static inline attr_t nc_a_reverse(void) { return A_REVERSE; }
static inline attr_t nc_a_underline(void) { return A_UNDERLINE; }

/* Mutable globals, read through functions. */
static inline WINDOW *nc_stdscr(void) { return stdscr; }
static inline int nc_colors(void) { return COLORS; }
static inline int nc_color_pairs(void) { return COLOR_PAIRS; }
static inline void nc_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }

/* One cell with an int colour pair: pairs above 32767 must go through setcchar's opts pointer. */
static inline int nc_setcchar(cchar_t *cc, const wchar_t *wch, attr_t attrs, int pair) {
    return setcchar(cc, wch, attrs, 0, &pair);
}

/* Mouse masks (NCURSES_MOUSE_MASK is function-like). */
static inline mmask_t nc_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t nc_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t nc_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED; }
static inline mmask_t nc_button2_pressed(void) { return BUTTON2_PRESSED; }
static inline mmask_t nc_button2_released(void) { return BUTTON2_RELEASED; }
static inline mmask_t nc_button2_clicked(void) { return BUTTON2_CLICKED | BUTTON2_DOUBLE_CLICKED | BUTTON2_TRIPLE_CLICKED; }
static inline mmask_t nc_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t nc_button3_released(void) { return BUTTON3_RELEASED; }
static inline mmask_t nc_button3_clicked(void) { return BUTTON3_CLICKED | BUTTON3_DOUBLE_CLICKED | BUTTON3_TRIPLE_CLICKED; }
static inline mmask_t nc_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t nc_button5_pressed(void) { return BUTTON5_PRESSED; }
/* Buttons 1-3 press/release/click and the wheel; no motion reporting (it floods the input). */
static inline mmask_t nc_mouse_events(void) {
    return BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED
         | BUTTON2_PRESSED | BUTTON2_RELEASED | BUTTON2_CLICKED
         | BUTTON3_PRESSED | BUTTON3_RELEASED | BUTTON3_CLICKED
         | BUTTON4_PRESSED | BUTTON5_PRESSED;
}

/* nl_langinfo(CODESET) without the nl_item conversion dance. */
static inline const char *nc_codeset(void) { return nl_langinfo(CODESET); }
