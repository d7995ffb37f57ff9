/* The systems table: one row per kind, one column per rule, in words. */
#include "retsim/systems.h"

#include "retsim/csv.h"
#include "retsim/format.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DASH "\xe2\x80\x94" /* em dash: the rule does not apply to this kind */
#define TO   "\xe2\x80\x93" /* en dash of a range: 7d–90d */

typedef struct cell_ctx {
    const retsim_scenario *s;
    const retsim_policy *p;
    int kind;
} cell_ctx;

typedef void (*cell_fn)(const cell_ctx *c, char *buf, size_t size);

/* Append part, after "sep" when the buffer already holds something. */
static void add_part(char *buf, size_t size, const char *sep, const char *part)
{
    retsim_format_append(buf, size, "%s%s", buf[0] != '\0' ? sep : "", part);
}

/* A duration as scenario files write it ("30d", "1d12h"). */
static const char *dur(retsim_time t, char *buf, size_t size)
{
    retsim_time_format(t, buf, size);
    return buf;
}

static void cell_system(const cell_ctx *c, char *buf, size_t size)
{
    retsim_format_append(buf, size, "%s", c->s->name);
}

static void cell_kind(const cell_ctx *c, char *buf, size_t size)
{
    retsim_format_append(buf, size, "%s", c->p->kind);
    if (c->p->parent_kind[0] != '\0') {
        retsim_format_append(buf, size, " (in %s)", c->p->parent_kind);
    }
}

static void cell_names(const cell_ctx *c, char *buf, size_t size)
{
    static const char *words[] = {"global", "per subscription", "per parent"};
    retsim_format_append(buf, size, "%s", words[c->p->name_scope]);
}

static void cell_soft_delete(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    if (!p->soft_delete_supported) {
        retsim_format_append(buf, size, "no");
        return;
    }
    retsim_format_append(buf, size, "%s", p->soft_delete ? "on" : "off by default");
    if (p->soft_delete && !p->soft_delete_can_disable) {
        retsim_format_append(buf, size, ", cannot be turned off");
    }
    if (p->soft_delete_can_disable && p->soft_delete_off_purges) {
        retsim_format_append(buf, size, ", turning it off purges");
    }
}

static void cell_retention(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    char a[32], b[32], range[80] = "", where[16] = "";
    if (!p->soft_delete_supported) {
        retsim_format_append(buf, size, DASH);
        return;
    }
    if (p->retention_min > 0 && p->retention_max != RETSIM_TIME_NEVER) {
        snprintf(range, sizeof range, "%s" TO "%s", dur(p->retention_min, a, sizeof a),
                 dur(p->retention_max, b, sizeof b));
    } else if (p->retention_min > 0) {
        snprintf(range, sizeof range, "at least %s", dur(p->retention_min, a, sizeof a));
    } else if (p->retention_max != RETSIM_TIME_NEVER) {
        snprintf(range, sizeof range, "at most %s", dur(p->retention_max, a, sizeof a));
    }
    if (p->retention_set_at != RETSIM_RETENTION_AT_KIND) {
        snprintf(where, sizeof where, "%s",
                 p->retention_set_at == RETSIM_RETENTION_AT_CREATE ? "at create" : "per delete");
    }
    retsim_format_append(buf, size, "%s", dur(p->retention_ms, a, sizeof a));
    if (range[0] != '\0' || where[0] != '\0') {
        char inner[100] = "";
        add_part(inner, sizeof inner, ", ", range);
        add_part(inner, sizeof inner, ", ", where);
        retsim_format_append(buf, size, " (%s)", inner);
    }
}

static void cell_retention_change(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    if (!p->soft_delete_supported) {
        retsim_format_append(buf, size, DASH);
    } else if (!p->retention_mutable) {
        retsim_format_append(buf, size, "fixed");
    } else {
        retsim_format_append(buf, size, "%s",
                             p->retention_change_applies_to == RETSIM_APPLIES_NEW_DELETES
                                 ? "changeable, later deletes only"
                                 : "changeable, soft-deleted too");
    }
}

static void cell_deleted_name(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    char a[32];
    if (!p->soft_delete_supported) {
        retsim_format_append(buf, size, DASH);
        return;
    }
    if (p->soft_deleted_name == RETSIM_NAME_HELD) {
        retsim_format_append(buf, size, "held");
        return;
    }
    retsim_format_append(buf, size, "free");
    if (p->name_free_after > 0) {
        retsim_format_append(buf, size, " after %s", dur(p->name_free_after, a, sizeof a));
    }
    retsim_format_append(buf, size, "; restore when taken: %s",
                         p->restore_when_taken == RETSIM_TAKEN_REFUSE ? "name_taken"
                                                                      : "replaces the live one");
}

static void cell_overwrite(const cell_ctx *c, char *buf, size_t size)
{
    retsim_format_append(buf, size, "%s",
                         c->p->overwrite == RETSIM_OVERWRITE_UPDATE ? "in place" : "keeps the old version");
}

/* Who waits after a purge, and how long (docs/semantics.md, name release). */
static void cell_reuse(const cell_ctx *c, char *buf, size_t size)
{
    static const char *who[] = {"owner's subscription", "owner's tenant", "anyone", "nobody"};
    const retsim_policy *p = c->p;
    char window[RETSIM_DRAW_SPEC_MAX + 8], a[32];
    bool forever = !p->reservation_drawn && p->reservation_ms == RETSIM_RESERVATION_FOREVER;
    bool typed = !p->reservation_drawn && p->n_reservations > 0;
    snprintf(window, sizeof window, "%s",
             p->reservation_drawn ? p->reservation_draw : dur(p->reservation_ms, a, sizeof a));
    if (p->reuse_after_purge == RETSIM_REUSE_ANYONE ||
        (!p->reservation_drawn && !typed && p->reservation_ms == 0)) {
        retsim_format_append(buf, size, "free at once");
        return;
    }
    if (forever && p->reuse_after_purge == RETSIM_REUSE_NOBODY) {
        retsim_format_append(buf, size, "never reusable");
    } else if (p->reuse_after_purge == RETSIM_REUSE_NOBODY) {
        retsim_format_append(buf, size, "nobody for %s", window);
    } else if (forever) {
        retsim_format_append(buf, size, "%s only, forever", who[p->reuse_after_purge]);
    } else {
        retsim_format_append(buf, size, "%s at once, others after %s", who[p->reuse_after_purge], window);
    }
    for (int r = 0; typed && r < p->n_reservations; r++) {
        const retsim_reservation *res = &p->reservations[r];
        retsim_format_append(buf, size, "%s%s: %s", r == 0 ? " (" : ", ", res->sub_type,
                             res->ms == RETSIM_RESERVATION_FOREVER ? "forever" : dur(res->ms, a, sizeof a));
    }
    if (typed) {
        retsim_format_append(buf, size, ")");
    }
}

static void cell_purge(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    if (!p->soft_delete_supported) {
        retsim_format_append(buf, size, DASH);
    } else if (!p->purge_supported) {
        retsim_format_append(buf, size, "not supported");
    } else {
        retsim_format_append(buf, size, "%s", p->purge_needs_permission ? "needs permission" : "allowed");
    }
}

static void cell_purge_protection(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    if (!p->soft_delete_supported || !p->purge_supported) {
        retsim_format_append(buf, size, DASH);
        return;
    }
    retsim_format_append(buf, size, "%s", p->purge_protection ? "on" : "off");
    if (!p->purge_protection_can_disable) {
        retsim_format_append(buf, size, ", irreversible once on");
    }
}

static void cell_restore(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    if (!p->soft_delete_supported) {
        retsim_format_append(buf, size, DASH);
        return;
    }
    if (p->restore_needs_permission) {
        add_part(buf, size, ", ", "needs permission");
    }
    if (p->restore_requires_home_region) {
        add_part(buf, size, ", ", "home region only");
    }
    if (buf[0] == '\0') {
        retsim_format_append(buf, size, "allowed");
    }
}

static void cell_force_delete(const cell_ctx *c, char *buf, size_t size)
{
    if (!c->p->soft_delete_supported) {
        retsim_format_append(buf, size, DASH);
        return;
    }
    retsim_format_append(buf, size, "%s", c->p->force_delete ? "yes (hard delete)" : "no");
}

/* Whether some kind of the scenario lives inside this one. */
static bool has_children(const cell_ctx *c)
{
    for (int k = 0; k < c->s->n_policies; k++) {
        if (c->s->policies[k].parent == c->kind) {
            return true;
        }
    }
    return false;
}

static void cell_children(const cell_ctx *c, char *buf, size_t size)
{
    static const char *words[] = {"no", "soft-deleted ones", "any", "live ones"};
    retsim_format_append(buf, size, "%s", has_children(c) ? words[c->p->children_block_delete] : DASH);
}

static void cell_parent(const cell_ctx *c, char *buf, size_t size)
{
    static const char *on_delete[] = {"stays on its delete", "deleted with it", "hard-deleted with it"};
    const retsim_policy *p = c->p;
    if (p->parent < 0) {
        retsim_format_append(buf, size, DASH);
        return;
    }
    retsim_format_append(buf, size, "%s", on_delete[p->parent_delete]);
    retsim_format_append(buf, size, ", %s", p->parent_purge ? "purged with it" : "not purged with it");
    retsim_format_append(buf, size, ", %s", p->parent_restore ? "restored with it" : "not restored with it");
}

static void cell_grace(const cell_ctx *c, char *buf, size_t size)
{
    char a[32];
    if (c->p->grace_ms <= 0) {
        retsim_format_append(buf, size, "none");
        return;
    }
    retsim_format_append(buf, size, "%s", dur(c->p->grace_ms, a, sizeof a));
    if (c->p->replicas_grace >= 0) {
        retsim_format_append(buf, size, " (%d replicas)", c->p->replicas_grace);
    }
}

static void cell_replicas(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    retsim_format_append(buf, size, "%d / %d", p->replicas_active, p->replicas_soft_deleted);
    if (p->regions > 1) {
        retsim_format_append(buf, size, " in %d regions", p->regions);
    }
}

static void cell_price(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    char v[RETSIM_FORMAT_MAX];
    if (p->price_per_replica_hour > 0 && p->replicas_active + p->replicas_soft_deleted > 0) {
        retsim_format_append(buf, size, "%s/replica-hour",
                             retsim_format_csv(p->price_per_replica_hour, v, sizeof v));
    }
    if (p->price_per_gb_month > 0) {
        retsim_format_append(buf, size, "%s%s/GB-month", buf[0] != '\0' ? ", " : "",
                             retsim_format_csv(p->price_per_gb_month, v, sizeof v));
    }
    if (buf[0] == '\0') {
        retsim_format_append(buf, size, "free");
    }
}

static void cell_billing(const cell_ctx *c, char *buf, size_t size)
{
    const retsim_policy *p = c->p;
    char a[32];
    bool priced = (p->price_per_replica_hour > 0 && p->replicas_active + p->replicas_soft_deleted > 0) ||
                  p->price_per_gb_month > 0;
    if (!priced) {
        retsim_format_append(buf, size, DASH);
        return;
    }
    bool deleted_billed =
        (p->price_per_replica_hour > 0 && p->replicas_soft_deleted > 0) || p->price_per_gb_month > 0;
    retsim_format_append(buf, size, "%s",
                         !p->soft_delete_supported ? "live"
                         : deleted_billed          ? "live and soft-deleted"
                                                   : "live only");
    if (p->soft_delete_supported && deleted_billed && p->billing_free_last > 0) {
        retsim_format_append(buf, size, ", last %s free", dur(p->billing_free_last, a, sizeof a));
    }
    if (p->soft_delete_supported && p->bill_restored_retroactive) {
        retsim_format_append(buf, size, ", a restore bills the deleted time");
    }
}

typedef struct systems_column {
    const char *name;
    const char *header;
    const char *meaning;
    cell_fn cell;
} systems_column;

/* The one list of columns: a new rule is one line here. */
static const systems_column columns[] = {
    {"system", "system", "the scenario file's [scenario] name", cell_system},
    {"kind", "kind", "the resource kind, and the kind it lives in", cell_kind},
    {"names", "names", "where a name must be unique: global, per subscription, per parent instance",
     cell_names},
    {"soft_delete", "soft delete",
     "whether deletes are soft (no: always hard; off by default: an instance may turn it on); whether it "
     "can be turned off, and whether turning it off purges what is soft-deleted",
     cell_soft_delete},
    {"retention", "retention",
     "how long a soft-deleted instance is kept; the range a requested retention must lie in; who picks it "
     "(at create: per instance when created; per delete: the delete request)",
     cell_retention},
    {"retention_change", "retention change",
     "whether the retention can be changed later, and whether a change reaches instances already "
     "soft-deleted",
     cell_retention_change},
    {"soft_deleted_name", "soft-deleted name",
     "held: nobody may create the name while it is soft-deleted; free: a create makes a new instance (after "
     "a window, if given), and a restore when the name is taken answers name_taken or replaces the live one",
     cell_deleted_name},
    {"overwrite", "overwrite",
     "a create on one's own live instance: updates it in place, or keeps the old version as a soft-deleted "
     "one",
     cell_overwrite},
    {"name_after_purge", "name after purge",
     "who may take the name once it is released (purged or hard-deleted; deleted, where soft-deleted names "
     "are free), and how long everyone else "
     "waits: a duration, a distribution drawn per release, or never; per subscription type in parentheses",
     cell_reuse},
    {"purge", "purge",
     "whether a soft-deleted instance can be purged early, and whether that needs a permission", cell_purge},
    {"purge_protection", "purge protection",
     "whether purge protection is on by default, and whether it can be turned off once on",
     cell_purge_protection},
    {"restore", "restore", "what a restore needs: the restore permission, the home region", cell_restore},
    {"force_delete", "force delete", "whether a delete can ask to bypass soft delete (hard delete)",
     cell_force_delete},
    {"children_block_delete", "children block delete",
     "which children stop the kind's delete (" DASH ": no kind lives in it)", cell_children},
    {"with_parent", "with its parent", "what the parent's delete, purge and restore do to an instance",
     cell_parent},
    {"grace", "grace", "a phase after retention, still restorable but not usable, and its replicas",
     cell_grace},
    {"replicas", "replicas live / deleted", "replicas per region while live and while soft-deleted",
     cell_replicas},
    {"price", "price",
     "price per replica-hour and per GB-month, in the scenario's currency (USD unless [simulation] "
     "currency says otherwise); the bundled prices are assumptions",
     cell_price},
    {"billing", "billing",
     "which phases are billed; a free last part of the soft-deleted time; retroactive billing on restore",
     cell_billing},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

int retsim_systems_format_parse(const char *text, retsim_systems_format *out)
{
    static const char *names[] = {"text", "markdown", "csv"};
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        if (strcmp(text, names[f]) == 0) {
            *out = (retsim_systems_format)f;
            return 0;
        }
    }
    return RETSIM_EINPUT;
}

size_t retsim_systems_n_columns(void)
{
    return N_COLUMNS;
}

const char *retsim_systems_column(size_t c, const char **header, const char **meaning)
{
    if (header != NULL) {
        *header = columns[c].header;
    }
    if (meaning != NULL) {
        *meaning = columns[c].meaning;
    }
    return columns[c].name;
}

static void fill_cell(const retsim_scenario *s, int kind, size_t col, char *buf, size_t size)
{
    cell_ctx c = {s, &s->policies[kind], kind};
    buf[0] = '\0';
    columns[col].cell(&c, buf, size);
}

int retsim_systems_cell(const retsim_scenario *s, int kind, const char *column, char *buf, size_t size)
{
    if (size == 0) {
        return RETSIM_EINPUT;
    }
    buf[0] = '\0';
    if (kind < 0 || kind >= s->n_policies) {
        return RETSIM_EINPUT;
    }
    for (size_t c = 0; c < N_COLUMNS; c++) {
        if (strcmp(columns[c].name, column) == 0) {
            fill_cell(s, kind, c, buf, size);
            return 0;
        }
    }
    return RETSIM_ENOTFOUND;
}

/* Every cell of the table, row after row: rows × N_COLUMNS cells of CELL_MAX. */
typedef struct table {
    char *cells;
    size_t rows;
} table;

static char *cell_at(const table *t, size_t row, size_t col)
{
    return t->cells + (row * N_COLUMNS + col) * RETSIM_SYSTEMS_CELL_MAX;
}

static int table_fill(table *t, const retsim_scenario *const *s, size_t n)
{
    t->rows = 0;
    for (size_t i = 0; i < n; i++) {
        t->rows += (size_t)s[i]->n_policies;
    }
    t->cells = calloc(t->rows * N_COLUMNS + 1, RETSIM_SYSTEMS_CELL_MAX);
    if (t->cells == NULL) {
        return RETSIM_ENOMEM;
    }
    size_t row = 0;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < s[i]->n_policies; k++, row++) {
            for (size_t c = 0; c < N_COLUMNS; c++) {
                fill_cell(s[i], k, c, cell_at(t, row, c), RETSIM_SYSTEMS_CELL_MAX);
            }
        }
    }
    return 0;
}

/* Characters on a terminal: UTF-8 continuation bytes take no column. */
static size_t width(const char *text)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        w += (*p & 0xC0) != 0x80;
    }
    return w;
}

/* One line of the text form; the last column is not padded. */
static void text_line(FILE *out, const char *const *cells, const size_t *widths)
{
    for (size_t c = 0; c < N_COLUMNS; c++) {
        fputs(cells[c], out);
        if (c + 1 < N_COLUMNS) {
            fprintf(out, "%*s", (int)(widths[c] - width(cells[c]) + 2), "");
        }
    }
    fputc('\n', out);
}

static void write_text(const table *t, FILE *out)
{
    size_t widths[N_COLUMNS];
    const char *line[N_COLUMNS];
    for (size_t c = 0; c < N_COLUMNS; c++) {
        widths[c] = width(columns[c].header);
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = width(cell_at(t, r, c));
            widths[c] = w > widths[c] ? w : widths[c];
        }
        line[c] = columns[c].header;
    }
    text_line(out, line, widths);
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < N_COLUMNS; c++) {
            line[c] = cell_at(t, r, c);
        }
        text_line(out, line, widths);
    }
    fputs("\ncolumns:\n", out);
    for (size_t c = 0; c < N_COLUMNS; c++) {
        fprintf(out, "  %s: %s\n", columns[c].header, columns[c].meaning);
    }
}

/* A markdown cell: a '|' inside would end it. */
static void md_cell(FILE *out, const char *text)
{
    fputs("| ", out);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '|') {
            fputc('\\', out);
        }
        fputc(*p, out);
    }
    fputc(' ', out);
}

static void write_markdown(const table *t, FILE *out)
{
    for (size_t c = 0; c < N_COLUMNS; c++) {
        md_cell(out, columns[c].header);
    }
    fputs("|\n", out);
    for (size_t c = 0; c < N_COLUMNS; c++) {
        fputs("|---", out);
    }
    fputs("|\n", out);
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < N_COLUMNS; c++) {
            md_cell(out, cell_at(t, r, c));
        }
        fputs("|\n", out);
    }
    fputs("\nColumns:\n\n", out);
    for (size_t c = 0; c < N_COLUMNS; c++) {
        fprintf(out, "- **%s**: %s.\n", columns[c].header, columns[c].meaning);
    }
}

static void write_csv(const table *t, FILE *out)
{
    const char *line[N_COLUMNS];
    for (size_t c = 0; c < N_COLUMNS; c++) {
        line[c] = columns[c].name;
    }
    retsim_csv_row(out, line, N_COLUMNS);
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < N_COLUMNS; c++) {
            line[c] = cell_at(t, r, c);
        }
        retsim_csv_row(out, line, N_COLUMNS);
    }
}

int retsim_systems_write(const retsim_scenario *const *s, size_t n, retsim_systems_format format, FILE *out,
                         retsim_error *err)
{
    static void (*const writers[])(const table *, FILE *) = {write_text, write_markdown, write_csv};
    if ((size_t)format >= sizeof writers / sizeof writers[0]) {
        return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "format", "unknown table format %d", (int)format);
    }
    table t;
    if (table_fill(&t, s, n) != 0) {
        return retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "no memory for the systems table");
    }
    writers[format](&t, out);
    free(t.cells);
    if (ferror(out) != 0) {
        return retsim_error_set(err, RETSIM_EIO, "", 0, "", "cannot write the systems table");
    }
    return 0;
}
