/*
 * entities_cmd.c - `daftar entities` and `daftar xref`: the entities stage
 * (src/entities) on the command line. Both first bring the case's
 * entities up to date (texts not scanned yet are scanned, then resolved),
 * so they answer for everything ingested so far.
 */
#include "cli.h"
#include "daftar/api.h"
#include "daftar/entities.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_progress(void *ctx, int64_t done, int64_t total)
{
	double *last = ctx;
	if (dft_now() - *last < 0.5 && done < total)
		return;
	*last = dft_now();
	fprintf(stderr, "\rentities: %lld / %lld texts scanned", (long long)done, (long long)total);
	if (done == total)
		fputc('\n', stderr);
}

/* Bring the entities up to date; say on stderr what was done. */
int entities_update(dft_store *st, dft_entities_stats *stats)
{
	double last = 0;
	int rc = dft_entities_update(st, stats, isatty(2) ? on_progress : NULL, &last);
	if (rc < 0)
		return rc;
	if (!stats->models[0])
		fprintf(stderr, "daftar: no NER model found (models/ner-en.model, ner-ar.model beside the "
				"daftar binary, or $DAFTAR_MODELS): people, places and organisations are not "
				"extracted; patterns and dates are\n");
	if (stats->scanned || stats->resolve_seconds > 0)
		dft_log("entities: %lld texts (%.1f MB) scanned in %.2f s, %lld mentions; %lld entities "
			"resolved in %.2f s",
			(long long)stats->scanned, (double)stats->text_bytes / 1e6, stats->extract_seconds,
			(long long)stats->mentions, (long long)stats->entities, stats->resolve_seconds);
	return 0;
}

struct list_ctx {
	dft_store *st;
	int64_t n;
	dft_buf line;
	int first;
};

static int on_variant_text(void *ctx, const char *value, int64_t mentions, const char *reason)
{
	struct list_ctx *c = ctx;
	(void)mentions;
	(void)reason;
	if (!c->first)
		dft_buf_adds(&c->line, "; ");
	c->first = 0;
	return dft_buf_adds(&c->line, value);
}

static int on_entity(void *ctx, const dft_entity_row *e)
{
	struct list_ctx *c = ctx;
	int rc;
	c->n++;
	dft_buf_reset(&c->line);
	c->first = 1;
	if ((rc = dft_store_entity_variants(c->st, e->id, on_variant_text, c)) < 0)
		return rc;
	/* the name padded by display width (Arabic letters are two bytes, tashkeel none) */
	printf("%6lld  ", (long long)e->id);
	cli_col(dft_entity_type_name(e->type), 15, 0); /* document_number */
	putchar(' ');
	cli_col(e->name, 40, 1);
	printf(" %5lld docs %6lld mentions  [%s]\n", (long long)e->documents, (long long)e->mentions,
	       dft_buf_cstr(&c->line));
	return 0;
}

int cmd_entities(struct args *a)
{
	dft_store *st;
	dft_entities_stats stats;
	dft_entity_filter f;
	struct list_ctx c;
	dft_buf b;
	dft_json j;
	int rc;
	if (a->npos != 1)
		return cli_usage("entities");
	memset(&f, 0, sizeof f);
	f.type = -1;
	if (a->type && (f.type = dft_entity_type_parse(a->type)) < 0)
		return usage_error("--type: '%s' is not an entity type (person, organization, place, misc, email, "
				   "url, domain, phone, iban, card, crypto, ip, coordinates, money, document_number, date)",
				   a->type);
	if ((rc = open_case(&st, a, 1)))
		return rc;
	if (a->doc && (rc = dft_store_doc_resolve(st, a->doc, &f.doc)) < 0) {
		rc = fail(rc);
		dft_store_free(st);
		return rc;
	}
	f.limit = a->limit >= 0 ? a->limit : (a->json ? 0 : 100);
	f.offset = a->offset;
	memset(&c, 0, sizeof c);
	c.st = st;
	dft_buf_init(&c.line, 1 << 20);
	dft_buf_init(&b, (size_t)1 << 31);
	if ((rc = entities_update(st, &stats)) < 0) {
		rc = fail(rc);
		goto done;
	}
	if (a->json) {
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_entities(st, &f, NULL, &stats, &j), &j, &b);
		goto done;
	}
	if ((rc = dft_store_entities_list(st, &f, on_entity, &c)) < 0) {
		rc = fail(rc);
		goto done;
	}
	if (c.n == 0) {
		printf("no entities%s\n", f.type >= 0 || f.doc ? " of this kind" : " (no text mentions any)");
	}
done:
	dft_buf_dispose(&b);
	dft_buf_dispose(&c.line);
	dft_store_free(st);
	return rc;
}

struct xref_ctx {
	dft_json *j;
};

static int on_match(void *ctx, const dft_xref_match *m)
{
	struct xref_ctx *c = ctx;
	if (c->j) {
		dft_json_obj_open(c->j);
		dft_json_key(c->j, "watch");
		dft_json_str(c->j, m->watch->label);
		dft_json_key(c->j, "line");
		dft_json_int(c->j, (int64_t)m->watch->line);
		dft_json_key(c->j, "matched");
		dft_json_str(c->j, m->matched);
		dft_json_key(c->j, "entity");
		if (m->entity)
			dft_json_int(c->j, m->entity);
		else
			dft_json_null(c->j);
		dft_json_key(c->j, "name");
		dft_json_str(c->j, m->name);
		dft_json_key(c->j, "score");
		dft_json_double(c->j, m->score);
		dft_json_key(c->j, "documents");
		dft_json_arr_open(c->j);
		for (size_t i = 0; i < m->ndocuments; i++)
			dft_json_int(c->j, m->documents[i]);
		dft_json_arr_close(c->j);
		dft_json_key(c->j, "hits");
		dft_json_int(c->j, m->hits);
		dft_json_key(c->j, "evidence");
		dft_json_str(c->j, m->evidence);
		dft_json_key(c->j, "evidence_document");
		dft_json_int(c->j, m->evidence_doc);
		dft_json_key(c->j, "why");
		dft_json_str(c->j, m->why ? m->why : "");
		dft_json_obj_close(c->j);
		return 0;
	}
	printf("%.2f  %s (line %zu) ~ %s: %zu documents, e.g. #%lld: %s\n", m->score, m->watch->label,
	       m->watch->line, m->name, m->ndocuments, (long long)m->evidence_doc, m->evidence);
	return 0;
}

int cmd_xref(struct args *a)
{
	dft_store *st;
	dft_entities_stats es;
	dft_watchlist w;
	dft_xref_stats xs;
	struct xref_ctx c = {NULL};
	dft_buf b;
	dft_json j;
	int rc;
	if (a->npos != 2)
		return cli_usage("xref");
	if ((rc = dft_watchlist_load(&w, a->pos[1])) < 0)
		return fail(rc);
	if ((rc = open_case(&st, a, 1))) {
		dft_watchlist_dispose(&w);
		return rc;
	}
	dft_buf_init(&b, (size_t)1 << 31);
	if (a->json) {
		dft_json_init(&j, &b);
		c.j = &j;
		dft_json_obj_open(&j);
		dft_json_key(&j, "matches");
		dft_json_arr_open(&j);
	}
	if ((rc = entities_update(st, &es)) < 0 ||
	    (rc = dft_xref(st, &w, a->min_score >= 0 ? a->min_score : 0.6, on_match, &c, &xs)) < 0) {
		rc = fail(rc);
		goto done;
	}
	if (a->json) {
		dft_json_arr_close(&j);
		dft_json_key(&j, "watchlist");
		dft_json_int(&j, (int64_t)w.n);
		dft_json_key(&j, "names");
		dft_json_int(&j, xs.names);
		dft_json_key(&j, "sequences");
		dft_json_int(&j, xs.sequences);
		dft_json_key(&j, "documents");
		dft_json_int(&j, xs.documents);
		dft_json_key(&j, "bytes");
		dft_json_int(&j, xs.bytes);
		dft_json_key(&j, "hits");
		dft_json_int(&j, xs.hits);
		dft_json_key(&j, "too_common");
		dft_json_int(&j, xs.common);
		dft_json_key(&j, "seconds");
		dft_json_double(&j, xs.seconds);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
	} else {
		fprintf(stderr, "xref: %zu listed (%lld names), %lld found, in %lld documents (%.1f MB) in %.2f s\n",
			w.n, (long long)xs.names, (long long)xs.matches, (long long)xs.documents,
			(double)xs.bytes / 1e6, xs.seconds);
	}
done:
	dft_buf_dispose(&b);
	dft_watchlist_dispose(&w);
	dft_store_free(st);
	return rc;
}

/* The name of place id in d, for the routes table. */
static const char *place_name(const dft_places_data *d, int64_t id)
{
	for (size_t i = 0; i < d->np; i++)
		if (d->p[i].id == id)
			return d->p[i].name;
	return "?";
}

int cmd_places(struct args *a)
{
	dft_store *st;
	dft_entities_stats stats;
	dft_places_data d;
	dft_buf b;
	dft_json j;
	int rc;
	if (a->npos != 1)
		return cli_usage("places");
	if ((rc = open_case(&st, a, 1)))
		return rc;
	memset(&d, 0, sizeof d);
	dft_buf_init(&b, (size_t)1 << 31);
	if ((rc = entities_update(st, &stats)) < 0 || (rc = dft_places_load(st, &d)) < 0) {
		rc = fail(rc);
		goto done;
	}
	if (a->json) {
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_places(&d, &j), &j, &b);
		goto done;
	}
	if (!d.np) {
		printf("no places (no text names one)\n");
		goto done;
	}
	printf("%6s  ", "id");
	cli_col("place", 28, 1);
	printf(" %9s %10s  %-2s %5s %6s  %s\n", "lat", "lon", "cc", "docs", "ment.", "why");
	for (size_t i = 0; i < d.np; i++) {
		const dft_place_item *p = &d.p[i];
		printf("%6lld  ", (long long)p->id);
		cli_col(p->name, 28, 1);
		if (p->has_geo)
			printf(" %9.4f %10.4f  %-2s", p->lat, p->lon, p->country ? p->country : "");
		else
			printf(" %9s %10s  %-2s", "-", "-", "");
		printf(" %5lld %6lld  ", (long long)p->documents, (long long)p->mentions);
		cli_col(p->has_geo ? p->why : "not located", 60, 1);
		putchar('\n');
	}
	if (d.nr) {
		printf("\nroutes\n");
		for (size_t i = 0; i < d.nr; i++) {
			const dft_route_item *r = &d.r[i];
			printf("  ");
			cli_col(place_name(&d, r->from), 24, 1);
			printf(" → ");
			cli_col(place_name(&d, r->to), 24, 1);
			printf(" %4zu docs", r->ndocs);
			if (r->ndates)
				printf("  %s%s%s", r->dates[0], r->ndates > 1 ? " … " : "",
				       r->ndates > 1 ? r->dates[r->ndates - 1] : "");
			putchar('\n');
		}
	}
done:
	dft_places_data_dispose(&d);
	dft_buf_dispose(&b);
	dft_store_free(st);
	return rc;
}
