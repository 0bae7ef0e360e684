/*
 * schema.c - the case database's schema as numbered migrations. Each entry
 * of `migrations` moves PRAGMA user_version from its index to index+1; a new
 * schema change is a new entry at the end, never an edit of an old one.
 */
#include "store_internal.h"

static const char *const migrations[] = {
	/* 1: documents, locations, batches, texts, metadata, custody head */
	"CREATE TABLE batches("
	"  id INTEGER PRIMARY KEY,"
	"  label TEXT NOT NULL,"
	"  started_at TEXT NOT NULL,"
	"  closed_at TEXT);"
	"CREATE TABLE documents("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT UNIQUE,"            /* NULL: bytes never read */
	"  size INTEGER NOT NULL DEFAULT 0,"
	"  path TEXT NOT NULL,"            /* first location */
	"  parent_id INTEGER REFERENCES documents(id),"
	"  batch_id INTEGER NOT NULL REFERENCES batches(id),"
	"  depth INTEGER NOT NULL DEFAULT 0,"
	"  stored INTEGER NOT NULL DEFAULT 1,"
	"  source BLOB,"                   /* raw file system path of a top-level original */
	"  mime TEXT, type TEXT, language TEXT,"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','ok','failed')),"
	"  error TEXT, notes TEXT, pages INTEGER);"
	"CREATE INDEX documents_status ON documents(status);"
	"CREATE INDEX documents_parent ON documents(parent_id);"
	"CREATE TABLE locations("
	"  id INTEGER PRIMARY KEY,"
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  path TEXT NOT NULL,"
	"  parent_id INTEGER REFERENCES documents(id),"
	"  batch_id INTEGER NOT NULL REFERENCES batches(id),"
	"  mtime INTEGER,"
	"  UNIQUE(doc_id, path));"
	"CREATE INDEX locations_path ON locations(path);"
	"CREATE INDEX locations_batch ON locations(batch_id);"
	"CREATE TABLE seen_files("
	"  source BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
	"  doc_id INTEGER NOT NULL REFERENCES documents(id)) WITHOUT ROWID;"
	"CREATE TABLE texts("
	"  doc_id INTEGER PRIMARY KEY REFERENCES documents(id),"
	"  text TEXT NOT NULL, sha256 TEXT NOT NULL);"
	"CREATE TABLE meta("
	"  doc_id INTEGER NOT NULL REFERENCES documents(id), key TEXT NOT NULL, value TEXT,"
	"  PRIMARY KEY(doc_id, key)) WITHOUT ROWID;"
	"CREATE TABLE custody_head("
	"  id INTEGER PRIMARY KEY CHECK(id = 1),"
	"  entries INTEGER NOT NULL, hash TEXT NOT NULL, offset INTEGER NOT NULL);"
	"INSERT INTO custody_head VALUES(1, 0, '', 0);"
	"CREATE TABLE notes("
	"  id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL REFERENCES batches(id),"
	"  path TEXT NOT NULL, note TEXT NOT NULL, UNIQUE(batch_id, path, note));",
	/* 2: the full-text index: FTS5 with daftar's tokenizer, reading its
	 * content (for snippets) from a view over documents, meta and texts */
	"CREATE VIEW search_src AS SELECT d.id AS id,"
	"  (SELECT group_concat(value, ' ') FROM meta m WHERE m.doc_id = d.id AND m.key IN ('title', 'subject')) AS title,"
	"  d.path AS path,"
	"  (SELECT text FROM texts t WHERE t.doc_id = d.id) AS body"
	"  FROM documents d;"
	"CREATE VIRTUAL TABLE search USING fts5(title, path, body, content='search_src', content_rowid='id',"
	"  tokenize='daftar', prefix='2 3');"
	"CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search, 'row');"
	"INSERT INTO search(rowid, title, path, body) SELECT id, title, path, body FROM search_src"
	"  WHERE id IN (SELECT id FROM documents WHERE status != 'pending');",
	/* 3: duplicate detection (src/dedup, src/store/dedup_store.c): one
	 * signature a document text, redone when the text or the method
	 * (version) changes */
	"CREATE TABLE dedup_sigs("
	"  doc_id INTEGER PRIMARY KEY REFERENCES documents(id),"
	"  version INTEGER NOT NULL,"      /* DFT_DEDUP_VERSION */
	"  text_sha TEXT NOT NULL,"        /* texts.sha256 of the text signed */
	"  norm_sha TEXT,"                 /* SHA-256 of the normalised words; NULL: none */
	"  tokens INTEGER NOT NULL, shingles INTEGER NOT NULL,"
	"  minhash BLOB);"                 /* 128 x uint32 LE; NULL: too short */
	"CREATE INDEX dedup_sigs_norm ON dedup_sigs(norm_sha);",
	/* 4: the full-text index without FTS5's prefix index: it held an entry
	 * for the first 2 and 3 characters of every token, stems and name keys
	 * included ("k:" alone was one huge list), made the index a third
	 * larger and every insert slower; FTS5 answers prefix queries from
	 * the term list without it */
	"DROP TABLE search_vocab;"
	"DROP TABLE search;"
	"CREATE VIRTUAL TABLE search USING fts5(title, path, body, content='search_src', content_rowid='id',"
	"  tokenize='daftar');"
	"CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search, 'row');"
	"INSERT INTO search(search) VALUES('rebuild');",
	/* 5: entities (src/entities, src/store/entity_store.c). A mention is
	 * kept by its type and normalised value; entity_variants says which
	 * entity each (type, value) belongs to and why, so resolving again
	 * (after a new batch, or a merge by hand) rewrites the small variants
	 * table, never the mentions. Entity ids stay with their key. */
	"CREATE TABLE entity_state("
	"  doc_id INTEGER PRIMARY KEY REFERENCES documents(id),"
	"  version INTEGER NOT NULL,"      /* DFT_ENTITIES_VERSION; negated until resolved */
	"  text_sha TEXT NOT NULL);"       /* texts.sha256 of the text scanned */
	"CREATE TABLE mentions("
	"  id INTEGER PRIMARY KEY,"
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  type TEXT NOT NULL, value TEXT NOT NULL,"
	"  start INTEGER NOT NULL, end INTEGER NOT NULL," /* bytes in texts.text */
	"  page INTEGER NOT NULL,"                       /* 1 + form feeds before start */
	"  surface TEXT NOT NULL, extra TEXT, score REAL);"
	"CREATE INDEX mentions_doc ON mentions(doc_id);"
	"CREATE INDEX mentions_value ON mentions(type, value);"
	"CREATE TABLE entities("
	"  id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL, key TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  mentions INTEGER NOT NULL DEFAULT 0, documents INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE(type, key));"
	"CREATE TABLE entity_variants("
	"  type TEXT NOT NULL, value TEXT NOT NULL,"
	"  entity_id INTEGER NOT NULL REFERENCES entities(id),"
	"  mentions INTEGER NOT NULL, reason TEXT NOT NULL,"
	"  PRIMARY KEY(type, value)) WITHOUT ROWID;"
	"CREATE INDEX entity_variants_entity ON entity_variants(entity_id);"
	"CREATE TABLE entity_overrides("   /* merges and splits by hand */
	"  type TEXT NOT NULL, value TEXT NOT NULL,"
	"  action TEXT NOT NULL CHECK(action IN ('merge','split')),"
	"  target TEXT,"                   /* merge: a value of the entity to join */
	"  by TEXT NOT NULL, at TEXT NOT NULL,"
	"  PRIMARY KEY(type, value)) WITHOUT ROWID;"
	"CREATE TABLE entity_edges("       /* co-occurrence in one document */
	"  a INTEGER NOT NULL, b INTEGER NOT NULL, documents INTEGER NOT NULL,"
	"  PRIMARY KEY(a, b)) WITHOUT ROWID;"
	"CREATE INDEX entity_edges_b ON entity_edges(b);",
	/* 6: the workbench (src/server/auth.c, src/store/auth_store.c):
	 * users (name matched without regard to ASCII case; hash is
	 * libsodium's Argon2id string), sessions by the SHA-256 of the cookie
	 * token (a copy of the database never yields a usable cookie), failed
	 * logins for the lock-out, the audit log (append-only: triggers refuse
	 * UPDATE and DELETE), tags (key: the NFKC case-folded tag, for tag:)
	 * and notes on documents */
	"CREATE TABLE users("
	"  name TEXT PRIMARY KEY COLLATE NOCASE,"
	"  role TEXT NOT NULL CHECK(role IN ('viewer','editor','admin')),"
	"  hash TEXT NOT NULL,"
	"  created TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE sessions("
	"  token_hash TEXT PRIMARY KEY,"   /* SHA-256 hex of the token */
	"  user TEXT NOT NULL COLLATE NOCASE,"
	"  csrf TEXT NOT NULL,"
	"  created INTEGER NOT NULL, last_used INTEGER NOT NULL, expires INTEGER NOT NULL)" /* unix seconds */
	"  WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user);"
	"CREATE INDEX sessions_expires ON sessions(expires);"
	"CREATE TABLE login_failures("
	"  id INTEGER PRIMARY KEY,"
	"  user TEXT NOT NULL COLLATE NOCASE,"
	"  at INTEGER NOT NULL);"           /* unix seconds */
	"CREATE INDEX login_failures_user ON login_failures(user, at);"
	"CREATE TABLE audit("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL, user TEXT, addr TEXT,"
	"  action TEXT NOT NULL, target TEXT, detail TEXT);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TABLE doc_tags("
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  tag TEXT NOT NULL, key TEXT NOT NULL,"
	"  user TEXT, at TEXT NOT NULL,"
	"  PRIMARY KEY(doc_id, tag), UNIQUE(doc_id, key));"
	"CREATE INDEX doc_tags_key ON doc_tags(key);"
	"CREATE TABLE doc_notes("
	"  id INTEGER PRIMARY KEY,"
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  user TEXT, at TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX doc_notes_doc ON doc_notes(doc_id);",
	/* 7: the claims ledger (src/findings, src/store/claims_store.c;
	 * docs/FINDINGS.md): a claim and the passages it cites. Each
	 * citation keeps what it quoted and where (page from 1; start/end
	 * in Unicode code points within the page, end exclusive; the same
	 * place as bytes in texts.text) and the SHA-256 of the original and
	 * of the extracted text at the time, so that `claim verify` can say
	 * what changed since. Every change is also a custody entry. */
	"CREATE TABLE claims("
	"  id INTEGER PRIMARY KEY,"
	"  text TEXT NOT NULL, source TEXT,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('confirmed','disputed','open')),"
	"  user TEXT, created TEXT NOT NULL, updated TEXT NOT NULL);"
	"CREATE TABLE claim_citations("
	"  id INTEGER PRIMARY KEY,"
	"  claim_id INTEGER NOT NULL REFERENCES claims(id),"
	"  seq INTEGER NOT NULL,"                 /* 1, 2 ... within the claim */
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  doc_sha256 TEXT NOT NULL, text_sha256 TEXT NOT NULL,"
	"  page INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL," /* code points in the page */
	"  byte_start INTEGER NOT NULL, byte_end INTEGER NOT NULL,"             /* bytes in texts.text */
	"  quote TEXT NOT NULL,"
	"  UNIQUE(claim_id, seq));"
	"CREATE INDEX claim_citations_doc ON claim_citations(doc_id);",
	/* 8: the full-text index again, for the name keys of ʿAbd compounds
	 * (namekey.c: Abdulkarim keyed abdkrm, was abdlkrm; Abd al-Karim's
	 * second word keyed as the compound, and "k:_" on the words a name's
	 * key phrase steps over): older cases' k: tokens would miss them */
	"INSERT INTO search(search) VALUES('rebuild');",
	/* 9: daftar's own index (src/index/ix.c) in place of FTS5, built from
	 * the texts by dft_store_ix_rebuild in this migration's transaction
	 * (MIGRATION_IX): postings with score bounds for a first page that
	 * does not score every match, positions only where phrases read them */
	"DROP TABLE search_vocab;"
	"DROP TABLE search;",
	/* 10: places on the map (src/entities/routes.c, locate.c): the
	 * movements between two places a document's sentences state, by the
	 * values of its place mentions (rewritten with the mentions), and the
	 * coordinates resolution gives each place entity, with the reason.
	 * Older cases get their routes when DFT_ENTITIES_VERSION 5 rescans. */
	"CREATE TABLE routes("
	"  id INTEGER PRIMARY KEY,"
	"  doc_id INTEGER NOT NULL REFERENCES documents(id),"
	"  from_value TEXT NOT NULL, to_value TEXT NOT NULL," /* place mention values */
	"  start INTEGER NOT NULL, end INTEGER NOT NULL,"     /* the sentence, bytes in texts.text */
	"  date TEXT);"                                        /* ISO, the sentence's or the document's */
	"CREATE INDEX routes_doc ON routes(doc_id);"
	"CREATE TABLE place_geo("
	"  entity_id INTEGER PRIMARY KEY,"
	"  lat REAL NOT NULL, lon REAL NOT NULL, country TEXT,"
	"  geonameid INTEGER NOT NULL DEFAULT 0,"
	"  source TEXT NOT NULL,"                              /* places, geonames, written */
	"  why TEXT NOT NULL);",
	/* 11: forms and records (src/forms/stored.c, forms_store.c;
	 * docs/FORMS.md): the templates and records computed when the texts
	 * changed (form_state 'stamp' says as of which texts), each record's
	 * fields (value as written and normalised, place, box, confidence,
	 * correction) packed in one blob, and a row a field with hashes of
	 * its folded and normalised value that --where looks up; the
	 * same-person links; and the editors' corrections, kept apart (by
	 * document and label) so that every new computation applies them
	 * again. A field absent from a form has no row. */
	"CREATE TABLE form_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE form_templates("
	"  id INTEGER PRIMARY KEY, language TEXT NOT NULL, date_order TEXT NOT NULL,"
	"  members INTEGER NOT NULL);"
	"CREATE TABLE form_labels("
	"  template INTEGER NOT NULL, idx INTEGER NOT NULL,"
	"  label TEXT NOT NULL, reading TEXT NOT NULL, kind INTEGER NOT NULL,"
	"  PRIMARY KEY(template, idx));"
	"CREATE TABLE form_records("   /* a record: its fields packed (forms_store.c), one read */
	"  doc_id INTEGER PRIMARY KEY, template INTEGER NOT NULL, seq INTEGER NOT NULL,"
	"  fields BLOB NOT NULL);"
	"CREATE INDEX form_records_template ON form_records(template, seq);"
	"CREATE TABLE form_fields("    /* what --where looks up: a row a field present */
	"  doc_id INTEGER NOT NULL, idx INTEGER NOT NULL, template INTEGER NOT NULL,"
	"  fkey INTEGER NOT NULL, nkey INTEGER,"       /* hashes of the folded value, of lower(normalized) */
	"  PRIMARY KEY(doc_id, idx)) WITHOUT ROWID;"
	"CREATE INDEX form_fields_folded ON form_fields(template, idx, fkey);"
	"CREATE INDEX form_fields_nkey ON form_fields(template, idx, nkey);"
	"CREATE TABLE form_links("
	"  a INTEGER NOT NULL, b INTEGER NOT NULL, reason TEXT NOT NULL, PRIMARY KEY(a, b));"
	"CREATE INDEX form_links_b ON form_links(b);"
	"CREATE TABLE form_corrections("
	"  doc_id INTEGER NOT NULL REFERENCES documents(id), label TEXT NOT NULL,"
	"  value TEXT NOT NULL, original TEXT,"
	"  corrected_by TEXT NOT NULL, corrected_at TEXT NOT NULL,"
	"  PRIMARY KEY(doc_id, label));",
	/* 12: the documents of each place by the month of their first date,
	 * for the map's time slider: computed at resolution (locate.c), since
	 * the join of a 22,000-document case's place and date mentions takes
	 * a second, and the map must open in less */
	"CREATE TABLE place_months("
	"  entity_id INTEGER NOT NULL,"
	"  month TEXT NOT NULL,"                               /* YYYY-MM */
	"  documents INTEGER NOT NULL,"
	"  PRIMARY KEY(entity_id, month));"
	DFT_PLACE_MONTHS_SQL ";",
};
#define MIGRATION_IX 9

int dft_store_migrate(sqlite3 *db)
{
	int version = 0, target = (int)(sizeof(migrations) / sizeof(migrations[0]));
	sqlite3_stmt *st = NULL;
	char *err = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return dft_error_set(DFT_EIO, "cannot read schema version: %s", sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > target)
		return dft_error_set(DFT_EINVAL,
				     "this case was made by a newer daftar (schema %d, this one knows %d)",
				     version, target);
	while (version < target) {
		char pragma[64];
		int now = version;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", version + 1);
		/* read the version again under the write lock: the workbench's
		 * writer and an ingest may open an old case at the same time */
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				now = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
			st = NULL;
			if (now > version) {
				sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
				version = now;
				continue;
			}
		}
		if (err || sqlite3_get_autocommit(db) ||
		    sqlite3_exec(db, migrations[version], NULL, NULL, &err) != SQLITE_OK ||
		    (version + 1 == MIGRATION_IX && dft_store_ix_rebuild(db) < 0 &&
		     (err = sqlite3_mprintf("%s", dft_error_msg()))) ||
		    sqlite3_exec(db, pragma, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
			int rc = dft_error_set(DFT_EIO, "schema migration %d failed: %s", version + 1,
					       err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		version++;
	}
	return 0;
}
