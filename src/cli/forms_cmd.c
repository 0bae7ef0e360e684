/*
 * forms_cmd.c - `daftar forms` and `daftar records`: the templates of the
 * filled forms in the case and the records filled into them (forms.h;
 * JSON shapes from src/api/forms_api.c; CSV for spreadsheets, JSON lines).
 */
#include "daftar/api.h"
#include "daftar/forms.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The case's record set: the stored one, computed again first when the
 * texts changed and the case can be written (else computed now, in
 * memory); only what is asked for (stored.c). */
static int build(dft_store **st, dft_record_set *rs, struct args *a, const dft_record_where *w, size_t nw,
		 int what)
{
	int rc;
	memset(rs, 0, sizeof(*rs));
	if ((rc = open_case(st, a, 0)) != 0)
		return rc;
	if (!dft_records_current(*st)) {
		dft_store *rw = NULL;
		/* the reader closed first: the writer, last out, folds its WAL in */
		dft_store_free(*st);
		*st = NULL;
		if (dft_store_open(&rw, a->pos[0], DFT_STORE_INGEST) == 0) {
			rc = dft_records_update(rw, 0, NULL);
			dft_store_free(rw);
			if (rc < 0)
				return fail(rc);
		} else {
			dft_log("cannot write %s (%s): the records are computed, not stored", a->pos[0], dft_error_msg());
			dft_error_clear();
		}
		if ((rc = open_case(st, a, 0)) != 0)
			return rc;
	}
	if ((rc = dft_records_load(rs, *st, a->tmpl, w, nw, what)) < 0)
		goto fail;
	return 0;
fail:
	rc = fail(rc);
	dft_store_free(*st);
	*st = NULL;
	return rc;
}

int cmd_forms(struct args *a)
{
	dft_store *st = NULL;
	dft_record_set rs;
	size_t i, l;
	int rc;
	if (a->npos != 1)
		return cli_usage("forms");
	if ((rc = build(&st, &rs, a, NULL, 0, DFT_RECORDS_TEMPLATES)) != 0)
		return rc;
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_forms(&rs, &j), &j, &b);
		dft_buf_dispose(&b);
	} else {
		printf("%zu template%s in %zu texts (%zu looked like forms)\n", rs.ntmpl, rs.ntmpl == 1 ? "" : "s",
		       rs.texts, rs.candidates);
		for (i = 0; i < rs.ntmpl; i++) {
			const dft_record_template *T = &rs.tmpl[i];
			printf("\ntemplate %lld  %s  %zu documents  %zu labels\n", (long long)T->id, T->language,
			       T->members, T->nlabels);
			for (l = 0; l < T->nlabels; l++) {
				printf("  %-8s ", dft_field_kind_name(T->kinds[l]));
				printf("%s", T->labels[l]);
				if (strcmp(T->labels[l], T->readings[l]))
					printf("  (read as %s)", T->readings[l]);
				printf("\n");
			}
		}
		rc = 0;
	}
	dft_record_set_dispose(&rs);
	dft_store_free(st);
	return rc;
}

/* ---- CSV and JSON lines ------------------------------------------------------- */

/* Finish a JSON line in b and write it to f. */
static int write_line(FILE *f, dft_json *j, dft_buf *b)
{
	if (dft_json_finish(j) < 0)
		return DFT_ERROR;
	fwrite(b->ptr, 1, b->len, f);
	fputc('\n', f);
	return 0;
}

static void csv_cell(FILE *f, const char *s)
{
	if (!s)
		return;
	if (strpbrk(s, ",\"\n\r") || s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		fputc('"', f);
		/* a leading = + - @ is data, not a formula, in a spreadsheet */
		if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
			fputc('\'', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

static void csv_template(FILE *f, const dft_record_set *rs, const dft_record_template *T, const struct args *a,
			 const dft_record_where *w, size_t nw)
{
	size_t r, l;
	dft_buf note;
	(void)a;
	dft_buf_init(&note, (size_t)DFT_RECORDS_MAX_LABELS * DFT_RECORDS_VALUE_MAX);
	fputs("document", f);
	for (l = 0; l < T->nlabels; l++) {
		fputc(',', f);
		csv_cell(f, T->labels[l]);
		if (T->kinds[l] != DFT_FIELD_TEXT && T->kinds[l] != DFT_FIELD_NAME) {
			char h[512];
			snprintf(h, sizeof(h), "%s (%s)", T->labels[l], dft_field_kind_name(T->kinds[l]));
			fputc(',', f);
			csv_cell(f, h);
		}
	}
	fputs(",corrected\r\n", f);
	for (r = 0; r < T->nrecords; r++) {
		const dft_record *R = &rs->rec[T->records[r]];
		if (!dft_record_set_keep(rs, R, w, nw))
			continue;
		fprintf(f, "%lld", (long long)R->doc);
		for (l = 0; l < T->nlabels; l++) {
			fputc(',', f);
			csv_cell(f, R->fields[l].value);
			if (T->kinds[l] != DFT_FIELD_TEXT && T->kinds[l] != DFT_FIELD_NAME) {
				fputc(',', f);
				csv_cell(f, R->fields[l].normalized);
			}
		}
		/* which values an editor corrected: LABEL (by USER, read as ORIGINAL); ... */
		fputc(',', f);
		dft_buf_reset(&note);
		for (l = 0; l < T->nlabels; l++) {
			const dft_record_field *x = &R->fields[l];
			if (x->corrected_by)
				dft_buf_addf(&note, "%s%s (by %s, read as %s)", note.len ? "; " : "", T->labels[l],
					     x->corrected_by, x->original ? x->original : "-");
		}
		csv_cell(f, note.len ? dft_buf_cstr(&note) : NULL);
		fputs("\r\n", f);
	}
	dft_buf_dispose(&note);
}

static int jsonl_template(FILE *f, const dft_record_set *rs, const dft_record_template *T, const dft_record_where *w,
			  size_t nw)
{
	size_t r, l;
	dft_buf b;
	dft_buf_init(&b, 0);
	for (r = 0; r < T->nrecords; r++) {
		const dft_record *R = &rs->rec[T->records[r]];
		dft_json j;
		if (!dft_record_set_keep(rs, R, w, nw))
			continue;
		dft_buf_reset(&b);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "template");
		dft_json_int(&j, T->id);
		dft_json_key(&j, "document");
		dft_json_int(&j, R->doc);
		dft_json_key(&j, "fields");
		dft_json_obj_open(&j);
		for (l = 0; l < T->nlabels; l++) {
			const dft_record_field *x = &R->fields[l];
			dft_json_key(&j, T->labels[l]);
			dft_json_obj_open(&j);
			dft_json_key(&j, "value");
			dft_json_str(&j, x->value);
			dft_json_key(&j, "normalized");
			dft_json_str(&j, x->normalized);
			if (x->value) {
				dft_json_key(&j, "page");
				dft_json_int(&j, x->page);
				dft_json_key(&j, "start");
				dft_json_int(&j, x->start);
				dft_json_key(&j, "end");
				dft_json_int(&j, x->end);
			}
			dft_json_key(&j, "corrected_by");
			dft_json_str(&j, x->corrected_by);
			if (x->corrected_by) {
				dft_json_key(&j, "original");
				dft_json_str(&j, x->original);
			}
			dft_json_obj_close(&j);
		}
		dft_json_obj_close(&j);
		dft_json_obj_close(&j);
		if (write_line(f, &j, &b) < 0) {
			dft_buf_dispose(&b);
			return DFT_ERROR;
		}
	}
	dft_buf_dispose(&b);
	return 0;
}

/* ---- FollowTheMoney ------------------------------------------------------------ */

static void ftm_mapping_print(FILE *f, const dft_record_template *T)
{
	const char **props = dft_calloc(T->nlabels + 1, sizeof(char *));
	size_t l;
	if (!props)
		return;
	dft_ftm_mapping_default(T, props);
	fprintf(f, "# template %lld (%s, %zu documents): label = FollowTheMoney Person property, '-' to leave out\n",
		(long long)T->id, T->language, T->members);
	for (l = 0; l < T->nlabels; l++)
		fprintf(f, "%s = %s\n", T->labels[l], props[l] ? props[l] : "-");
	free(props);
}

static int read_file(const char *path, dft_buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;
	if (!f)
		return dft_error_set(DFT_EIO, "cannot read %s", path);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (dft_buf_add(out, chunk, n) < 0) {
			fclose(f);
			return dft_error_set(DFT_ELIMIT, "%s: a mapping of more than 1 MB", path);
		}
	fclose(f);
	return 0;
}

static int has_corrections(const dft_record_template *T, const dft_record *R)
{
	size_t l;
	for (l = 0; l < T->nlabels; l++)
		if (R->fields[l].corrected_by)
			return 1;
	return 0;
}

/* "LABEL corrected by USER (read as ORIGINAL)", a string each */
static void correction_notes(dft_json *j, const dft_record_template *T, const dft_record *R, dft_buf *note)
{
	size_t l;
	for (l = 0; l < T->nlabels; l++) {
		const dft_record_field *x = &R->fields[l];
		if (!x->corrected_by)
			continue;
		dft_buf_reset(note);
		dft_buf_addf(note, "%s corrected by %s (read as %s)", T->labels[l], x->corrected_by,
			     x->original ? x->original : "-");
		dft_json_str(j, dft_buf_cstr(note));
	}
}

static int ftm_template(FILE *f, const dft_record_set *rs, const dft_record_template *T, const char **props,
			const dft_record_where *w, size_t nw)
{
	size_t r, l, k;
	dft_buf b, note;
	int notes_mapped = 0;
	dft_buf_init(&b, 0);
	dft_buf_init(&note, (size_t)DFT_RECORDS_VALUE_MAX * 4);
	for (l = 0; l < T->nlabels; l++)
		notes_mapped |= props[l] && !strcmp(props[l], "notes");
	for (r = 0; r < T->nrecords; r++) {
		const dft_record *R = &rs->rec[T->records[r]];
		dft_json j;
		char id[64];
		if (!dft_record_set_keep(rs, R, w, nw))
			continue;
		dft_buf_reset(&b);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		snprintf(id, sizeof(id), "daftar-record-%lld", (long long)R->doc);
		dft_json_key(&j, "id");
		dft_json_str(&j, id);
		dft_json_key(&j, "schema");
		dft_json_str(&j, "Person");
		dft_json_key(&j, "properties");
		dft_json_obj_open(&j);
		/* each property once, with the values of every label mapped to it */
		for (l = 0; l < T->nlabels; l++) {
			int first = 1;
			if (!props[l])
				continue;
			for (k = 0; k < l; k++)
				if (props[k] && !strcmp(props[k], props[l]))
					break;
			if (k < l)
				continue;
			for (k = l; k < T->nlabels; k++) {
				const dft_record_field *x = &R->fields[k];
				const char *v;
				char cc[8];
				if (!props[k] || strcmp(props[k], props[l]) || !x->value || !*x->value)
					continue;
				v = x->value;
				if (x->normalized && (T->kinds[k] == DFT_FIELD_DATE || T->kinds[k] == DFT_FIELD_PHONE))
					v = x->normalized;
				if (x->normalized && T->kinds[k] == DFT_FIELD_COUNTRY) {
					snprintf(cc, sizeof(cc), "%c%c", x->normalized[0] | 0x20, x->normalized[1] | 0x20);
					v = cc;
				}
				if (first) {
					dft_json_key(&j, props[l]);
					dft_json_arr_open(&j);
					first = 0;
				}
				dft_json_str(&j, v);
			}
			if (!strcmp(props[l], "notes") && has_corrections(T, R)) {
				if (first) {
					dft_json_key(&j, props[l]);
					dft_json_arr_open(&j);
					first = 0;
				}
				correction_notes(&j, T, R, &note);
			}
			if (!first)
				dft_json_arr_close(&j);
		}
		/* a corrected value says so in notes (FtM has no place of its own
		 * for it), beside the labels mapped to notes if any */
		if (!notes_mapped && has_corrections(T, R)) {
			dft_json_key(&j, "notes");
			dft_json_arr_open(&j);
			correction_notes(&j, T, R, &note);
			dft_json_arr_close(&j);
		}
		snprintf(id, sizeof(id), "daftar-doc-%lld", (long long)R->doc);
		dft_json_key(&j, "proof");
		dft_json_arr_open(&j);
		dft_json_str(&j, id);
		dft_json_arr_close(&j);
		dft_json_obj_close(&j);
		dft_json_obj_close(&j);
		if (write_line(f, &j, &b) < 0) {
			dft_buf_dispose(&b);
			dft_buf_dispose(&note);
			return DFT_ERROR;
		}
	}
	dft_buf_dispose(&b);
	dft_buf_dispose(&note);
	return 0;
}

int cmd_records(struct args *a)
{
	dft_store *st = NULL;
	dft_record_set rs;
	dft_record_where w[CLI_MAX_WHERE];
	char *wbuf[CLI_MAX_WHERE];
	dft_api_records_params p;
	FILE *out = stdout;
	size_t i;
	int rc = 0, nw = 0;

	if (a->npos != 1)
		return cli_usage("records");
	if (a->format && strcmp(a->format, "csv") && strcmp(a->format, "jsonl") && strcmp(a->format, "ftm") &&
	    strcmp(a->format, "ftm-mapping"))
		return usage_error("--format takes csv, jsonl, ftm or ftm-mapping");
	if (a->mapping && (!a->format || strcmp(a->format, "ftm")))
		return usage_error("--mapping goes with --format ftm");
	if (a->mapping && !a->tmpl)
		return usage_error("--mapping is the mapping of one template: give --template");
	if (a->format && a->count_by)
		return usage_error("--count-by prints counts: leave out --format");
	if (a->format && a->json)
		return usage_error("--json and --format: choose one");
	for (nw = 0; nw < a->nwhere; nw++)
		if ((rc = dft_record_where_parse(a->where[nw], &w[nw], &wbuf[nw])) < 0) {
			rc = fail(DFT_EUSAGE);
			goto out;
		}
	if ((rc = build(&st, &rs, a, w, (size_t)nw,
			 DFT_RECORDS_RECORDS | (a->json && !a->count_by ? DFT_RECORDS_ENTITIES : 0))) != 0)
		goto out;
	memset(&p, 0, sizeof(p));
	p.tmpl = a->tmpl;
	p.where = w;
	p.nwhere = (size_t)nw;
	p.count_by = a->count_by;
	if (a->tmpl && !dft_record_set_template(&rs, a->tmpl)) {
		dft_error_set(DFT_ENOTFOUND, "no template %lld (daftar forms lists them)", (long long)a->tmpl);
		rc = fail(DFT_ENOTFOUND);
		goto done;
	}
	if (a->output && !(out = fopen(a->output, "wb"))) {
		dft_error_set(DFT_EIO, "cannot write %s", a->output);
		rc = fail(DFT_EIO);
		goto done;
	}
	if (a->json || a->count_by) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, (size_t)4 << 30); /* 22,000 forms of 25 fields: ~150 MB of JSON */
		dft_json_init(&j, &b);
		if ((rc = dft_api_records(&rs, &p, &j)) < 0 || dft_json_finish(&j) < 0) {
			rc = fail(rc < 0 ? rc : DFT_ERROR);
		} else if (a->json) {
			fwrite(b.ptr, 1, b.len, out);
			fputc('\n', out);
			rc = 0;
		} else {
			rc = 0;
		}
		dft_buf_dispose(&b);
		if (rc == 0 && !a->json) { /* --count-by in words */
			dft_record_count *c = NULL;
			size_t n = 0, total = 0;
			if ((rc = dft_records_count(&rs, p.tmpl, p.where, p.nwhere, p.count_by, &c, &n, &total)) < 0) {
				rc = fail(rc);
				goto done;
			}
			fprintf(out, "%zu records by %s\n", total, a->count_by);
			for (i = 0; i < n; i++)
				fprintf(out, "%7lld  %s%s%s%s\n", (long long)c[i].n, c[i].value[0] ? c[i].value : "(empty)",
					strcmp(c[i].value, c[i].example) && c[i].example[0] ? "  (e.g. " : "",
					strcmp(c[i].value, c[i].example) && c[i].example[0] ? c[i].example : "",
					strcmp(c[i].value, c[i].example) && c[i].example[0] ? ")" : "");
			dft_record_counts_free(c, n);
			rc = 0;
		}
		goto done;
	}
	if (a->format && !strcmp(a->format, "csv")) {
		if (!a->tmpl && rs.ntmpl > 1) {
			rc = usage_error("--format csv: the case has %zu templates, choose one with --template", rs.ntmpl);
			goto done;
		}
		fputs("\xef\xbb\xbf", out); /* BOM: spreadsheets read UTF-8 (Arabic) right */
		for (i = 0; i < rs.ntmpl; i++)
			if (!a->tmpl || rs.tmpl[i].id == a->tmpl)
				csv_template(out, &rs, &rs.tmpl[i], a, w, (size_t)nw);
		rc = 0;
		goto done;
	}
	if (a->format && !strncmp(a->format, "ftm", 3)) {
		dft_buf mtext;
		dft_buf_init(&mtext, (size_t)1 << 20);
		for (i = 0; i < rs.ntmpl && rc == 0; i++) {
			const dft_record_template *T = &rs.tmpl[i];
			const char **props;
			if (a->tmpl && T->id != a->tmpl)
				continue;
			if (!strcmp(a->format, "ftm-mapping")) {
				ftm_mapping_print(out, T);
				continue;
			}
			if (!(props = dft_calloc(T->nlabels + 1, sizeof(char *)))) {
				rc = fail(DFT_ENOMEM);
				break;
			}
			if (a->mapping) {
				int r2 = read_file(a->mapping, &mtext);
				if (r2 == 0)
					r2 = dft_ftm_mapping_read(T, mtext.ptr ? mtext.ptr : "", mtext.len, props);
				if (r2 < 0) {
					dft_error_prefix("%s", a->mapping);
					rc = fail(r2);
				}
			} else {
				dft_ftm_mapping_default(T, props);
			}
			if (rc == 0 && ftm_template(out, &rs, T, props, w, (size_t)nw) < 0)
				rc = fail(DFT_ERROR);
			free(props);
		}
		dft_buf_dispose(&mtext);
		goto done;
	}
	for (i = 0; i < rs.ntmpl; i++) {
		const dft_record_template *T = &rs.tmpl[i];
		if (a->tmpl && T->id != a->tmpl)
			continue;
		if (a->format) {
			if (jsonl_template(out, &rs, T, w, (size_t)nw) < 0) {
				rc = fail(DFT_ERROR);
				goto done;
			}
			continue;
		}
		{
			size_t r, l;
			fprintf(out, "template %lld (%s, %zu documents)\n", (long long)T->id, T->language, T->members);
			for (r = 0; r < T->nrecords; r++) {
				const dft_record *R = &rs.rec[T->records[r]];
				if (!dft_record_set_keep(&rs, R, w, (size_t)nw))
					continue;
				fprintf(out, "document %lld\n", (long long)R->doc);
				for (l = 0; l < T->nlabels; l++) {
					const dft_record_field *f = &R->fields[l];
					fprintf(out, "  %s: %s", T->labels[l], f->value ? f->value : "-");
					if (f->normalized)
						fprintf(out, "  [%s]", f->normalized);
					if (f->corrected_by)
						fprintf(out, "  (corrected by %s, read as %s)", f->corrected_by,
							f->original ? f->original : "-");
					fputc('\n', out);
				}
			}
		}
	}
	rc = 0;
done:
	if (out != stdout && out && fclose(out) != 0 && rc == 0) {
		dft_error_set(DFT_EIO, "cannot write %s", a->output);
		rc = fail(DFT_EIO);
	}
	dft_record_set_dispose(&rs);
	if (st)
		dft_store_free(st);
out:
	for (i = 0; i < (size_t)nw; i++)
		free(wbuf[i]);
	return rc;
}

/* ---- daftar correct ------------------------------------------------------------ */

int cmd_correct(struct args *a)
{
	dft_store *st = NULL;
	int64_t doc;
	const char *u = getenv("USER");
	int rc;
	if (a->npos != 4)
		return usage_error("usage: daftar correct CASE DOC LABEL VALUE");
	/* the workbench's kind of write: it goes beside a running ingest */
	if ((rc = open_case(&st, a, DFT_STORE_SHARED)) != 0)
		return rc;
	if ((rc = dft_store_doc_resolve(st, a->pos[1], &doc)) < 0 ||
	    (rc = dft_records_correct(st, doc, a->pos[2], a->pos[3], u && *u ? u : "local")) < 0) {
		rc = fail(rc);
		goto done;
	}
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "document");
		dft_json_int(&j, doc);
		dft_json_key(&j, "label");
		dft_json_str(&j, a->pos[2]);
		dft_json_key(&j, "value");
		dft_json_str(&j, a->pos[3]);
		dft_json_key(&j, "corrected_by");
		dft_json_str(&j, u && *u ? u : "local");
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
	} else {
		printf("corrected %s of document %lld: %s\n", a->pos[2], (long long)doc, a->pos[3]);
	}
done:
	dft_store_free(st);
	return rc;
}
