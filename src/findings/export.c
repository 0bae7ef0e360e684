/*
 * export.c - the case for other tools (docs/FINDINGS.md):
 *  - jsonl: one document a line: metadata, paths, tags, text, mentions;
 *  - csv: one table (RFC 4180): documents (default), entities or mentions;
 *  - ftm: FollowTheMoney entities as JSON lines, for OCCRP Aleph: a
 *    Document (or its subtype: Pages, PlainText, HyperText, Email, Image,
 *    Table, Package, Workbook) per document, Person / Organization /
 *    Address per entity (proof: the documents naming it; a place also its
 *    latitude, longitude and country), a Mention per (document, person or
 *    organization), an UnknownLink with role "route" per route between two
 *    places (subject the place it leaves, object the one it reaches;
 *    proof, dates);
 *  - gexf: the entity co-occurrence graph, GEXF 1.3, for Gephi: places
 *    carry lat and lng (Gephi's Geo Layout reads them), routes are directed
 *    edges of kind "route" beside the undirected co-occurrence edges.
 */
#include "daftar/entities.h"
#include "daftar/api.h"
#include "daftar/findings.h"
#include "daftar/auth.h"

#include <stdlib.h>
#include <string.h>

struct ex {
	dft_store *st;
	const char *format, *table;
	FILE *out;
	dft_export_counts *n;
	dft_buf line;
	dft_json j;
	int rc;
	dft_places_data places; /* ftm, gexf: coordinates and routes */
};

static const dft_place_item *place_geo(const struct ex *x, int64_t id)
{
	for (size_t i = 0; i < x->places.np; i++)
		if (x->places.p[i].id == id)
			return x->places.p[i].has_geo ? &x->places.p[i] : NULL;
	return NULL;
}

static int put_line(struct ex *x)
{
	int rc = dft_json_finish(&x->j);
	if (rc < 0)
		return rc;
	if (fwrite(x->line.ptr, 1, x->line.len, x->out) != x->line.len || fputc('\n', x->out) == EOF)
		return dft_error_set(DFT_EIO, "cannot write the export");
	x->n->lines++;
	dft_buf_reset(&x->line);
	dft_json_init(&x->j, &x->line);
	return 0;
}

/* ---- small collectors ---------------------------------------------------------- */

static int on_meta_json(void *ctx, const char *key, const char *value)
{
	dft_json *j = ctx;
	if (!strcmp(key, "ocr_words") || !strcmp(key, "main_text"))
		return 0;
	dft_json_key(j, key);
	dft_json_str(j, value);
	return 0;
}

static int on_tag_json(void *ctx, const char *tag)
{
	dft_json_str(ctx, tag);
	return 0;
}

struct mention_ctx {
	struct ex *x;
	const char *text;
	size_t len;
};

static int on_mention_json(void *ctx, const dft_doc_mention *m)
{
	struct mention_ctx *c = ctx;
	dft_json *j = &c->x->j;
	dft_json_obj_open(j);
	dft_api_mention_fields(j, m);
	if (c->text && m->end <= (int64_t)c->len && m->start < m->end) {
		dft_json_key(j, "surface");
		dft_json_strn(j, c->text + m->start, (size_t)(m->end - m->start));
	}
	dft_json_obj_close(j);
	c->x->n->mentions++;
	return 0;
}

/* ---- jsonl ------------------------------------------------------------------------ */

static int jsonl_doc(void *ctx, const dft_doc *d)
{
	struct ex *x = ctx;
	dft_json *j = &x->j;
	dft_buf text;
	int has = 0, rc;
	struct mention_ctx mc;
	dft_buf_init(&text, (size_t)1 << 31);
	if ((rc = dft_store_doc_text(x->st, d->id, &text, &has)) < 0)
		goto done;
	dft_json_obj_open(j);
	if ((rc = dft_api_doc_fields(j, x->st, d)) < 0)
		goto done;
	dft_json_key(j, "pages");
	dft_json_int(j, d->pages);
	dft_json_key(j, "meta");
	dft_json_obj_open(j);
	if ((rc = dft_store_doc_meta(x->st, d->id, on_meta_json, j)) < 0)
		goto done;
	dft_json_obj_close(j);
	dft_json_key(j, "tags");
	dft_json_arr_open(j);
	if ((rc = dft_tags(x->st, d->id, on_tag_json, j)) < 0)
		goto done;
	dft_json_arr_close(j);
	dft_json_key(j, "text");
	if (has)
		dft_json_strn(j, dft_buf_cstr(&text), text.len);
	else
		dft_json_null(j);
	dft_json_key(j, "entities");
	dft_json_arr_open(j);
	mc.x = x;
	mc.text = has ? dft_buf_cstr(&text) : NULL;
	mc.len = text.len;
	if ((rc = dft_store_doc_mentions(x->st, d->id, on_mention_json, &mc)) < 0)
		goto done;
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	x->n->documents++;
	rc = put_line(x);
done:
	dft_buf_dispose(&text);
	return rc;
}

/* ---- csv ---------------------------------------------------------------------------- */

static int csv_field(FILE *out, const char *s, int last)
{
	const char *p;
	if (s && *s) {
		int quote = strpbrk(s, ",\"\r\n") != NULL;
		if (quote)
			fputc('"', out);
		for (p = s; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		if (quote)
			fputc('"', out);
	}
	if (fputs(last ? "\r\n" : ",", out) == EOF)
		return dft_error_set(DFT_EIO, "cannot write the export");
	return 0;
}

static int csv_int(FILE *out, int64_t v, int last)
{
	char b[32];
	snprintf(b, sizeof(b), "%lld", (long long)v);
	return csv_field(out, b, last);
}

static int csv_doc(void *ctx, const dft_doc *d)
{
	struct ex *x = ctx;
	FILE *o = x->out;
	x->n->documents++;
	x->n->lines++;
	csv_int(o, d->id, 0);
	csv_field(o, d->sha256, 0);
	csv_field(o, d->path, 0);
	if (d->parent)
		csv_int(o, d->parent, 0);
	else
		csv_field(o, "", 0);
	csv_field(o, d->type, 0);
	csv_field(o, d->mime, 0);
	csv_field(o, d->language, 0);
	csv_int(o, d->batch, 0);
	csv_field(o, d->status, 0);
	csv_int(o, d->pages, 0);
	csv_int(o, d->size, 0);
	return csv_field(o, d->error, 1);
}

static int csv_entity(void *ctx, const dft_entity_row *r)
{
	struct ex *x = ctx;
	x->n->entities++;
	x->n->lines++;
	csv_int(x->out, r->id, 0);
	csv_field(x->out, dft_entity_type_name(r->type), 0);
	csv_field(x->out, r->name, 0);
	csv_int(x->out, r->mentions, 0);
	return csv_int(x->out, r->documents, 1);
}

struct csv_mctx {
	struct ex *x;
	int64_t doc;
};

static int csv_mention(void *ctx, const dft_doc_mention *m)
{
	struct csv_mctx *c = ctx;
	FILE *o = c->x->out;
	c->x->n->mentions++;
	c->x->n->lines++;
	csv_int(o, c->doc, 0);
	if (m->entity)
		csv_int(o, m->entity, 0);
	else
		csv_field(o, "", 0);
	csv_field(o, dft_entity_type_name(m->type), 0);
	csv_field(o, m->value, 0);
	csv_int(o, m->page, 0);
	csv_int(o, m->start, 0);
	return csv_int(o, m->end, 1);
}

static int csv_doc_mentions(void *ctx, const dft_doc *d)
{
	struct csv_mctx c = {ctx, d->id};
	((struct ex *)ctx)->n->documents++;
	return dft_store_doc_mentions(((struct ex *)ctx)->st, d->id, csv_mention, &c);
}

/* ---- FollowTheMoney ----------------------------------------------------------------- */

static const char *ftm_doc_schema(const dft_doc *d)
{
	const char *t = d->type ? d->type : "", *m = d->mime ? d->mime : "";
	if (!strcmp(t, "email") || !strcmp(t, "eml") || !strcmp(t, "msg") || !strcmp(m, "message/rfc822"))
		return "Email";
	if (!strcmp(t, "pdf") || !strcmp(t, "docx") || !strcmp(t, "doc") || !strcmp(t, "odt") || !strcmp(t, "rtf") ||
	    !strcmp(t, "pptx") || !strcmp(t, "ppt") || !strcmp(t, "odp"))
		return "Pages";
	if (!strcmp(t, "xlsx") || !strcmp(t, "xls") || !strcmp(t, "ods"))
		return "Workbook";
	if (!strcmp(t, "csv"))
		return "Table";
	if (!strcmp(t, "html"))
		return "HyperText";
	if (!strcmp(t, "text") || !strcmp(t, "txt"))
		return "PlainText";
	if (!strncmp(m, "image/", 6) || !strcmp(t, "image"))
		return "Image";
	if (!strcmp(t, "zip") || !strcmp(t, "7z") || !strcmp(t, "tar") || !strcmp(t, "rar") || !strcmp(t, "mbox") ||
	    !strcmp(t, "pst") || !strcmp(t, "gz") || !strcmp(t, "archive"))
		return "Package";
	return "Document";
}

/* Schemata with the bodyText property (FtM: PlainText, HyperText, Image,
 * Email by inheritance); the others carry their text as indexText. */
static int ftm_has_body(const char *schema)
{
	return !strcmp(schema, "PlainText") || !strcmp(schema, "HyperText") || !strcmp(schema, "Image") ||
	       !strcmp(schema, "Email");
}

static void ftm_prop(dft_json *j, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	dft_json_key(j, name);
	dft_json_arr_open(j);
	dft_json_str(j, value);
	dft_json_arr_close(j);
}

static void ftm_doc_id(char *out, size_t n, int64_t doc)
{
	snprintf(out, n, "daftar-doc-%lld", (long long)doc);
}

struct ftm_meta {
	const char *keys[8];
	char *vals[8];
};

static int on_meta_ftm(void *ctx, const char *key, const char *value)
{
	struct ftm_meta *m = ctx;
	size_t i;
	for (i = 0; i < 8 && m->keys[i]; i++)
		if (!strcmp(m->keys[i], key) && !m->vals[i] && value)
			m->vals[i] = dft_strdup(value);
	return 0;
}

/* Mentioned values of one kind for the Document's *Mentioned properties */
struct ftm_mentions {
	struct ex *x;
	int64_t doc;
	int pass; /* 0: document properties; 1: Mention entities */
	const char *prop;
	int type;
	int any;
	int64_t seen[64];
	size_t nseen;
};

static int on_mention_prop(void *ctx, const dft_doc_mention *m)
{
	struct ftm_mentions *c = ctx;
	if (m->type != c->type)
		return 0;
	if (!c->any) {
		dft_json_key(&c->x->j, c->prop);
		dft_json_arr_open(&c->x->j);
		c->any = 1;
	}
	dft_json_str(&c->x->j, m->value);
	return 0;
}

static int on_mention_entity(void *ctx, const dft_doc_mention *m)
{
	struct ftm_mentions *c = ctx;
	dft_json *j = &c->x->j;
	char id[64], doc[48], ent[48];
	size_t i;
	if ((m->type != DFT_ENT_PERSON && m->type != DFT_ENT_ORG) || !m->entity)
		return 0;
	for (i = 0; i < c->nseen; i++)
		if (c->seen[i] == m->entity)
			return 0;
	if (c->nseen < 64)
		c->seen[c->nseen++] = m->entity;
	snprintf(id, sizeof(id), "daftar-mention-%lld-%lld", (long long)c->doc, (long long)m->entity);
	ftm_doc_id(doc, sizeof(doc), c->doc);
	snprintf(ent, sizeof(ent), "daftar-entity-%lld", (long long)m->entity);
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_str(j, id);
	dft_json_key(j, "schema");
	dft_json_str(j, "Mention");
	dft_json_key(j, "properties");
	dft_json_obj_open(j);
	ftm_prop(j, "document", doc);
	ftm_prop(j, "resolved", ent);
	ftm_prop(j, m->type == DFT_ENT_PERSON ? "personMentioned" : "companyMentioned", m->value);
	dft_json_obj_close(j);
	dft_json_obj_close(j);
	c->x->n->mentions++;
	return put_line(c->x);
}

static int ftm_doc(void *ctx, const dft_doc *d)
{
	struct ex *x = ctx;
	dft_json *j = &x->j;
	const char *schema = ftm_doc_schema(d);
	struct ftm_meta meta = {{"title", "author", "created", "subject", "from", "to", "date", NULL}, {NULL}};
	static const struct {
		int type;
		const char *prop;
	} mprops[] = {{DFT_ENT_PERSON, "namesMentioned"}, {DFT_ENT_ORG, "namesMentioned"},
		      {DFT_ENT_EMAIL, "emailMentioned"},  {DFT_ENT_PHONE, "phoneMentioned"},
		      {DFT_ENT_IBAN, "ibanMentioned"},    {DFT_ENT_IP, "ipMentioned"},
		      {DFT_ENT_PLACE, "locationMentioned"}};
	char id[48], size[32];
	const char *name;
	dft_buf text;
	int has = 0, rc;
	size_t i;
	struct ftm_mentions mc;
	dft_buf_init(&text, (size_t)1 << 31);
	if ((rc = dft_store_doc_meta(x->st, d->id, on_meta_ftm, &meta)) < 0 ||
	    (rc = dft_store_doc_text(x->st, d->id, &text, &has)) < 0)
		goto done;
	ftm_doc_id(id, sizeof(id), d->id);
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_str(j, id);
	dft_json_key(j, "schema");
	dft_json_str(j, schema);
	dft_json_key(j, "properties");
	dft_json_obj_open(j);
	name = strrchr(d->path, '/');
	name = name ? name + 1 : d->path;
	if (strstr(name, "!/"))
		name = strstr(name, "!/") + 2;
	ftm_prop(j, "fileName", name);
	ftm_prop(j, "title", meta.vals[0]);
	ftm_prop(j, "author", meta.vals[1]);
	ftm_prop(j, "authoredAt", meta.vals[2] && strlen(meta.vals[2]) >= 10 ? meta.vals[2] : NULL);
	if (!strcmp(schema, "Email")) {
		ftm_prop(j, "subject", meta.vals[3]);
		ftm_prop(j, "from", meta.vals[4]);
		ftm_prop(j, "to", meta.vals[5]);
	}
	ftm_prop(j, "date", meta.vals[6] && strlen(meta.vals[6]) >= 10 ? meta.vals[6] : NULL);
	/* contentHash: FtM documents it as the SHA-1 of the data (Aleph's
	 * archive key); daftar's is the SHA-256, the hash its custody log
	 * and evidence packs use (docs/FINDINGS.md) */
	ftm_prop(j, "contentHash", d->sha256[0] ? d->sha256 : NULL);
	ftm_prop(j, "mimeType", d->mime);
	ftm_prop(j, "language", d->language);
	snprintf(size, sizeof(size), "%lld", (long long)d->size);
	ftm_prop(j, "fileSize", size);
	if (!strcmp(d->status, "failed")) {
		ftm_prop(j, "processingStatus", "failure");
		ftm_prop(j, "processingError", d->error);
	} else {
		ftm_prop(j, "processingStatus", "success");
	}
	if (d->parent) {
		char pid[48];
		ftm_doc_id(pid, sizeof(pid), d->parent);
		ftm_prop(j, "parent", pid);
	}
	if (has && text.len) {
		dft_json_key(j, ftm_has_body(schema) ? "bodyText" : "indexText");
		dft_json_arr_open(j);
		dft_json_strn(j, dft_buf_cstr(&text), text.len);
		dft_json_arr_close(j);
	}
	memset(&mc, 0, sizeof(mc));
	mc.x = x;
	mc.doc = d->id;
	for (i = 0; i < sizeof(mprops) / sizeof(mprops[0]); i++) {
		int k;
		if (i > 0 && !strcmp(mprops[i].prop, mprops[i - 1].prop))
			k = mc.any; /* same property continues */
		else {
			if (mc.any)
				dft_json_arr_close(j);
			k = 0;
		}
		mc.any = k;
		mc.prop = mprops[i].prop;
		mc.type = mprops[i].type;
		if ((rc = dft_store_doc_mentions(x->st, d->id, on_mention_prop, &mc)) < 0)
			goto done;
	}
	if (mc.any)
		dft_json_arr_close(j);
	dft_json_obj_close(j);
	dft_json_obj_close(j);
	x->n->documents++;
	if ((rc = put_line(x)) < 0)
		goto done;
	mc.pass = 1;
	mc.nseen = 0;
	rc = dft_store_doc_mentions(x->st, d->id, on_mention_entity, &mc);
done:
	for (i = 0; i < 8; i++)
		free(meta.vals[i]);
	dft_buf_dispose(&text);
	return rc;
}

static int on_entity_doc(void *ctx, int64_t doc, const char *path, int64_t mentions)
{
	char id[48];
	ftm_doc_id(id, sizeof(id), doc);
	dft_json_str(ctx, id);
	return 0;
}

static int on_variant(void *ctx, const char *value, int64_t mentions, const char *reason)
{
	struct {
		dft_json *j;
		const char *name;
		int any;
	} *c = ctx;
	if (!strcmp(value, c->name))
		return 0;
	if (!c->any) {
		dft_json_key(c->j, "alias");
		dft_json_arr_open(c->j);
		c->any = 1;
	}
	dft_json_str(c->j, value);
	return 0;
}

static int ftm_entity(void *ctx, const dft_entity_row *r)
{
	struct ex *x = ctx;
	dft_json *j = &x->j;
	char id[48];
	const char *schema;
	int rc;
	struct {
		dft_json *j;
		const char *name;
		int any;
	} vc = {j, r->name, 0};
	if (r->type == DFT_ENT_PERSON)
		schema = "Person";
	else if (r->type == DFT_ENT_ORG)
		schema = "Organization";
	else if (r->type == DFT_ENT_PLACE)
		schema = "Address";
	else
		return 0; /* phones, e-mails, IBANs ...: properties of the documents */
	snprintf(id, sizeof(id), "daftar-entity-%lld", (long long)r->id);
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_str(j, id);
	dft_json_key(j, "schema");
	dft_json_str(j, schema);
	dft_json_key(j, "properties");
	dft_json_obj_open(j);
	ftm_prop(j, "name", r->name);
	if (r->type == DFT_ENT_PLACE) {
		const dft_place_item *pl = place_geo(x, r->id);
		ftm_prop(j, "full", r->name);
		if (pl) {
			char v[32];
			snprintf(v, sizeof v, "%.5f", pl->lat);
			ftm_prop(j, "latitude", v);
			snprintf(v, sizeof v, "%.5f", pl->lon);
			ftm_prop(j, "longitude", v);
			if (pl->country) {
				char cc[3] = {(char)(pl->country[0] | 0x20), pl->country[0] ? (char)(pl->country[1] | 0x20) : 0, 0};
				ftm_prop(j, "country", cc);
			}
		}
	}
	if ((rc = dft_store_entity_variants(x->st, r->id, on_variant, &vc)) < 0)
		return rc;
	if (vc.any)
		dft_json_arr_close(j);
	dft_json_key(j, "proof");
	dft_json_arr_open(j);
	if ((rc = dft_store_entity_documents(x->st, r->id, 1000, on_entity_doc, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	dft_json_obj_close(j);
	x->n->entities++;
	return put_line(x);
}

/* A route as an FtM UnknownLink (role "route"): subject the place left,
 * object the place reached, the documents that say so as proof. */
static int ftm_routes(struct ex *x)
{
	dft_json *j = &x->j;
	int rc = 0;
	for (size_t i = 0; i < x->places.nr && rc == 0; i++) {
		const dft_route_item *r = &x->places.r[i];
		char id[64], a[48], b[48];
		snprintf(id, sizeof id, "daftar-route-%lld-%lld", (long long)r->from, (long long)r->to);
		snprintf(a, sizeof a, "daftar-entity-%lld", (long long)r->from);
		snprintf(b, sizeof b, "daftar-entity-%lld", (long long)r->to);
		dft_json_obj_open(j);
		dft_json_key(j, "id");
		dft_json_str(j, id);
		dft_json_key(j, "schema");
		dft_json_str(j, "UnknownLink");
		dft_json_key(j, "properties");
		dft_json_obj_open(j);
		ftm_prop(j, "subject", a);
		ftm_prop(j, "object", b);
		ftm_prop(j, "role", "route");
		dft_json_key(j, "date");
		dft_json_arr_open(j);
		for (size_t k = 0; k < r->ndates; k++)
			dft_json_str(j, r->dates[k]);
		dft_json_arr_close(j);
		dft_json_key(j, "proof");
		dft_json_arr_open(j);
		for (size_t k = 0; k < r->ndocs; k++) {
			char d[48];
			ftm_doc_id(d, sizeof d, r->docs[k]);
			dft_json_str(j, d);
		}
		dft_json_arr_close(j);
		dft_json_obj_close(j);
		dft_json_obj_close(j);
		x->n->edges++;
		rc = put_line(x);
	}
	return rc;
}

/* ---- GEXF ---------------------------------------------------------------------------- */

static void xml_text(FILE *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&')
			fputs("&amp;", o);
		else if (c == '<')
			fputs("&lt;", o);
		else if (c == '>')
			fputs("&gt;", o);
		else if (c == '"')
			fputs("&quot;", o);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			fputc(' ', o); /* not allowed in XML 1.0 */
		else
			fputc((char)c, o);
	}
}

static int gexf_node(void *ctx, const dft_entity_row *r)
{
	struct ex *x = ctx;
	FILE *o = x->out;
	fprintf(o, "      <node id=\"%lld\" label=\"", (long long)r->id);
	xml_text(o, r->name);
	fprintf(o, "\">\n        <attvalues>\n          <attvalue for=\"type\" value=\"%s\"/>\n"
		   "          <attvalue for=\"documents\" value=\"%lld\"/>\n"
		   "          <attvalue for=\"mentions\" value=\"%lld\"/>\n",
		dft_entity_type_name(r->type), (long long)r->documents, (long long)r->mentions);
	if (r->type == DFT_ENT_PLACE) {
		const dft_place_item *pl = place_geo(x, r->id);
		if (pl)
			fprintf(o, "          <attvalue for=\"lat\" value=\"%.5f\"/>\n          <attvalue for=\"lng\" value=\"%.5f\"/>\n",
				pl->lat, pl->lon);
	}
	fputs("        </attvalues>\n      </node>\n", o);
	x->n->entities++;
	return 0;
}

struct gexf_edges {
	struct ex *x;
	dft_buf buf;
};

static int gexf_edge(void *ctx, int64_t a, int64_t b, int64_t documents)
{
	struct gexf_edges *g = ctx;
	g->x->n->edges++;
	return dft_buf_addf(&g->buf,
			    "      <edge id=\"%lld\" source=\"%lld\" target=\"%lld\" weight=\"%lld\">"
			    "<attvalues><attvalue for=\"kind\" value=\"cooccurrence\"/></attvalues></edge>\n",
			    (long long)g->x->n->edges, (long long)a, (long long)b, (long long)documents);
}

/* The routes, directed edges between place nodes (both are nodes: every
 * place named in a document is one). */
static int gexf_routes(struct gexf_edges *g)
{
	int rc = 0;
	for (size_t i = 0; i < g->x->places.nr && rc == 0; i++) {
		const dft_route_item *r = &g->x->places.r[i];
		g->x->n->edges++;
		rc = dft_buf_addf(&g->buf,
				  "      <edge id=\"%lld\" source=\"%lld\" target=\"%lld\" type=\"directed\" weight=\"%zu\">"
				  "<attvalues><attvalue for=\"kind\" value=\"route\"/><attvalue for=\"dates\" value=\"",
				  (long long)g->x->n->edges, (long long)r->from, (long long)r->to, r->ndocs);
		for (size_t k = 0; k < r->ndates && rc == 0; k++)
			rc = dft_buf_addf(&g->buf, "%s%s", k ? ";" : "", r->dates[k]);
		if (rc == 0)
			rc = dft_buf_adds(&g->buf, "\"/></attvalues></edge>\n");
	}
	return rc;
}

static int gexf_nodes_first(void *ctx, const dft_entity_row *r)
{
	struct gexf_edges *g = ctx;
	return gexf_node(g->x, r);
}

static int export_gexf(struct ex *x)
{
	FILE *o = x->out;
	struct gexf_edges g;
	char at[32];
	int rc;
	g.x = x;
	dft_buf_init(&g.buf, (size_t)1 << 31);
	dft_utc_iso(at);
	at[10] = '\0';
	fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
		   " xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n"
		   "  <meta lastmodifieddate=\"%s\">\n    <creator>daftar</creator>\n"
		   "    <description>entities named in the same documents (edge weight: documents); routes between places"
		   " (directed edges of kind route)</description>\n"
		   "  </meta>\n"
		   "  <graph mode=\"static\" defaultedgetype=\"undirected\">\n"
		   "    <attributes class=\"node\">\n"
		   "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
		   "      <attribute id=\"documents\" title=\"documents\" type=\"integer\"/>\n"
		   "      <attribute id=\"mentions\" title=\"mentions\" type=\"integer\"/>\n"
		   "      <attribute id=\"lat\" title=\"lat\" type=\"double\"/>\n"
		   "      <attribute id=\"lng\" title=\"lng\" type=\"double\"/>\n"
		   "    </attributes>\n"
		   "    <attributes class=\"edge\">\n"
		   "      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n"
		   "      <attribute id=\"dates\" title=\"dates\" type=\"string\"/>\n"
		   "    </attributes>\n    <nodes>\n",
		at);
	/* the graph call gives every node before its edges */
	rc = dft_store_entity_graph(x->st, NULL, 1, INT64_MAX / 4, gexf_nodes_first, gexf_edge, &g);
	if (rc == 0)
		rc = gexf_routes(&g);
	if (rc == 0) {
		fputs("    </nodes>\n    <edges>\n", o);
		if (g.buf.len)
			fwrite(g.buf.ptr, 1, g.buf.len, o);
		fputs("    </edges>\n  </graph>\n</gexf>\n", o);
	}
	dft_buf_dispose(&g.buf);
	return rc;
}

int dft_export(dft_store *st, const char *format, const char *table, FILE *out, dft_export_counts *n)
{
	struct ex x;
	dft_doc_filter f;
	int rc;
	memset(&x, 0, sizeof(x));
	memset(n, 0, sizeof(*n));
	memset(&f, 0, sizeof(f));
	x.st = st;
	x.format = format;
	x.table = table;
	x.out = out;
	x.n = n;
	dft_buf_init(&x.line, (size_t)1 << 31);
	dft_json_init(&x.j, &x.line);
	if (!strcmp(format, "jsonl")) {
		rc = dft_store_docs(st, &f, jsonl_doc, &x);
	} else if (!strcmp(format, "csv")) {
		if (!table || !strcmp(table, "documents")) {
			fputs("id,sha256,path,parent,type,mime,language,batch,status,pages,size,error\r\n", out);
			rc = dft_store_docs(st, &f, csv_doc, &x);
		} else if (!strcmp(table, "entities")) {
			dft_entity_filter ef;
			memset(&ef, 0, sizeof(ef));
			ef.type = -1;
			ef.limit = -1;
			fputs("id,type,name,mentions,documents\r\n", out);
			rc = dft_store_entities_list(st, &ef, csv_entity, &x);
		} else if (!strcmp(table, "mentions")) {
			fputs("doc,entity,type,value,page,start,end\r\n", out);
			rc = dft_store_docs(st, &f, csv_doc_mentions, &x);
		} else {
			rc = dft_error_set(DFT_EUSAGE, "--table takes documents, entities or mentions");
		}
	} else if (!strcmp(format, "ftm")) {
		dft_entity_filter ef;
		memset(&ef, 0, sizeof(ef));
		ef.type = -1;
		ef.limit = -1;
		if ((rc = dft_places_load(st, &x.places)) == 0 && (rc = dft_store_entities_list(st, &ef, ftm_entity, &x)) == 0 &&
		    (rc = ftm_routes(&x)) == 0)
			rc = dft_store_docs(st, &f, ftm_doc, &x);
	} else if (!strcmp(format, "gexf")) {
		if ((rc = dft_places_load(st, &x.places)) == 0)
			rc = export_gexf(&x);
	} else {
		rc = dft_error_set(DFT_EUSAGE, "--format takes jsonl, csv, ftm or gexf");
	}
	dft_buf_dispose(&x.line);
	dft_places_data_dispose(&x.places);
	if (rc == 0 && ferror(out))
		rc = dft_error_set(DFT_EIO, "cannot write the export");
	return rc;
}
