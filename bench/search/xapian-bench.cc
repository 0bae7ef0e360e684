// xapian-bench.cc - the Xapian 1.4 side of bench/search/run.sh.
//
//   xapian-bench index DB CORPUS            index every CORPUS/DIR/FILE.txt
//   xapian-bench compact DB OUT             Xapian::Database::compact (what xapian-compact does)
//   xapian-bench query DB CORPUS QUERIES OUT
//   xapian-bench gen DB CORPUS N           growth: the N documents ixbench gen
//                                          makes (the same generator: lines of
//                                          over 20 bytes of the corpus's files,
//                                          1-40 a document, xorshift64 from the
//                                          same seed), indexed as by index
//   xapian-bench rank COLLDIR QUERIES OUT  ranking: COLLDIR/NNNNN.txt indexed
//                                          alone, each line "qnum<TAB>words" of
//                                          QUERIES (bench/search/map.py) the OR
//                                          of its words, BM25 (Xapian's
//                                          defaults), top 100 to OUT as
//                                          "qnum<TAB>docno" (bench/search/map.py
//                                          scores them)
//
// index: one document a file; body through Xapian::TermGenerator with the
// Snowball stemmer of the document's script (arabic when it has more Arabic
// letters than Latin ones, else english), STEM_SOME (the default: every word
// unstemmed with its positions, plus a Z-prefixed stemmed term without
// positions); the boolean term XP<dir> is the filter; the data is the path.
// One commit at the end (Xapian's own flush every 10,000 documents).
//
// query: QUERIES is the TSV of make-queries.py (kind, daftar query, peer
// query). Each query goes through Xapian::QueryParser (stemmer chosen by the
// query's script, STEM_SOME, default operator AND, path: a boolean prefix,
// FLAG_PHRASE|FLAG_BOOLEAN|FLAG_LOVEHATE|FLAG_WILDCARD) and is timed in
// three ways, each over the whole list twice, the second (warm) pass kept:
//   top10    parse + get_mset(0, 10)                (estimated total)
//   exact    parse + get_mset(0, 10, doccount)      (exact total, like daftar's count(*))
//   snippet  exact + MSet::snippet() of each hit's text, read from CORPUS
// OUT gets one line a query: kind, top10 ms, exact ms, snippet ms, total.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

static double now_ms()
{
	return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static std::string slurp(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	std::ostringstream s;
	s << f.rdbuf();
	return s.str();
}

static bool is_arabic(const std::string &text)
{
	size_t ar = 0, la = 0;
	for (size_t i = 0; i < text.size(); i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			la++;
		else if ((c == 0xd8 || c == 0xd9 || c == 0xda || c == 0xdb) && i + 1 < text.size())
			ar++, i++;
	}
	return ar > la;
}

static std::vector<std::string> list_dir(const std::string &dir)
{
	std::vector<std::string> v;
	DIR *d = opendir(dir.c_str());
	if (!d)
		return v;
	while (struct dirent *e = readdir(d))
		if (e->d_name[0] != '.')
			v.push_back(e->d_name);
	closedir(d);
	std::sort(v.begin(), v.end());
	return v;
}

static int do_index(const std::string &dbpath, const std::string &corpus)
{
	Xapian::WritableDatabase db(dbpath, Xapian::DB_CREATE_OR_OVERWRITE);
	Xapian::TermGenerator tg_ar, tg_en;
	tg_ar.set_stemmer(Xapian::Stem("arabic"));
	tg_en.set_stemmer(Xapian::Stem("english"));
	long n = 0;
	double t0 = now_ms();
	for (const std::string &sub : list_dir(corpus)) {
		for (const std::string &name : list_dir(corpus + "/" + sub)) {
			std::string rel = sub + "/" + name;
			std::string text = slurp(corpus + "/" + rel);
			Xapian::Document doc;
			Xapian::TermGenerator &tg = is_arabic(text) ? tg_ar : tg_en;
			tg.set_document(doc);
			tg.index_text(text);
			doc.add_boolean_term("XP" + sub);
			doc.set_data(rel);
			db.add_document(doc);
			n++;
		}
	}
	db.commit();
	db.close();
	fprintf(stderr, "xapian: indexed %ld documents in %.1f s\n", n, (now_ms() - t0) / 1000.0);
	return 0;
}

static int do_gen(const std::string &dbpath, const std::string &corpus, long ndocs)
{
	std::vector<std::string> paths, lines;
	for (const std::string &sub : list_dir(corpus))
		for (const std::string &name : list_dir(corpus + "/" + sub))
			paths.push_back(sub + "/" + name);
	std::sort(paths.begin(), paths.end());
	for (const std::string &rel : paths) {
		std::string text = slurp(corpus + "/" + rel);
		size_t at = 0;
		while (at <= text.size()) {
			size_t nl = text.find('\n', at);
			std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
			line = line.substr(0, line.find('\0')); /* as strlen sees it */
			if (line.size() > 20)
				lines.push_back(line);
			if (nl == std::string::npos)
				break;
			at = nl + 1;
		}
	}
	if (lines.empty())
		return 1;
	Xapian::WritableDatabase db(dbpath, Xapian::DB_CREATE_OR_OVERWRITE);
	Xapian::TermGenerator tg_ar, tg_en;
	tg_ar.set_stemmer(Xapian::Stem("arabic"));
	tg_en.set_stemmer(Xapian::Stem("english"));
	uint64_t rng = 88172645463325252ull;
	double t0 = now_ms();
	for (long d = 1; d <= ndocs; d++) {
		std::string text;
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		int k = 1 + (int)(rng % 40);
		for (int j = 0; j < k; j++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			text += lines[rng % lines.size()];
			text += '\n';
		}
		Xapian::Document doc;
		Xapian::TermGenerator &tg = is_arabic(text) ? tg_ar : tg_en;
		tg.set_document(doc);
		tg.index_text(text);
		doc.add_boolean_term("XPgen");
		doc.set_data("gen/" + std::to_string(d) + ".txt");
		db.add_document(doc);
	}
	db.commit();
	db.close();
	fprintf(stderr, "xapian: generated and indexed %ld documents in %.1f s\n", ndocs, (now_ms() - t0) / 1000.0);
	return 0;
}

static int do_rank(const std::string &dir, const char *queries, const char *out)
{
	Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
	Xapian::TermGenerator tg;
	tg.set_stemmer(Xapian::Stem("english"));
	for (const std::string &name : list_dir(dir)) {
		Xapian::Document doc;
		tg.set_document(doc);
		tg.index_text(slurp(dir + "/" + name));
		doc.set_data(std::to_string(atoi(name.c_str())));
		db.add_document(doc);
	}
	db.commit();
	Xapian::QueryParser qp;
	qp.set_stemmer(Xapian::Stem("english"));
	qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
	qp.set_database(db);
	qp.set_default_op(Xapian::Query::OP_OR);
	Xapian::Enquire enq(db);
	std::ifstream f(queries);
	FILE *o = fopen(out, "w");
	if (!o) {
		perror(out);
		return 1;
	}
	std::string line;
	while (std::getline(f, line)) {
		size_t tab = line.find('\t');
		if (tab == std::string::npos)
			continue;
		enq.set_query(qp.parse_query(line.substr(tab + 1), 0));
		Xapian::MSet m = enq.get_mset(0, 100);
		for (Xapian::MSetIterator i = m.begin(); i != m.end(); ++i)
			fprintf(o, "%s\t%s\n", line.substr(0, tab).c_str(), i.get_document().get_data().c_str());
	}
	fclose(o);
	return 0;
}

struct query {
	std::string kind, peer;
	bool arabic;
};

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "index"))
		return do_index(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "gen"))
		return do_gen(argv[2], argv[3], atol(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "rank"))
		return do_rank(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "compact")) {
		Xapian::Database(argv[2]).compact(argv[3]);
		return 0;
	}
	if (argc != 6 || strcmp(argv[1], "query")) {
		fprintf(stderr, "usage: xapian-bench index DB CORPUS | compact DB OUT | query DB CORPUS QUERIES OUT | gen DB CORPUS N | rank COLLDIR QUERIES OUT\n");
		return 2;
	}
	Xapian::Database db(argv[2]);
	std::string corpus = argv[3];
	std::vector<query> qs;
	{
		std::ifstream f(argv[4]);
		std::string line;
		while (std::getline(f, line)) {
			size_t a = line.find('\t'), b = line.find('\t', a + 1);
			if (a == std::string::npos || b == std::string::npos)
				continue;
			query q;
			q.kind = line.substr(0, a);
			q.peer = line.substr(b + 1);
			// the script of the words, not of the filter (path:news-ar)
			q.arabic = is_arabic(q.peer.substr(0, q.peer.find(" path:")));
			qs.push_back(q);
		}
	}
	Xapian::QueryParser qp_ar, qp_en;
	qp_ar.set_stemmer(Xapian::Stem("arabic"));
	qp_en.set_stemmer(Xapian::Stem("english"));
	for (Xapian::QueryParser *qp : {&qp_ar, &qp_en}) {
		qp->set_database(db);
		qp->set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
		qp->set_default_op(Xapian::Query::OP_AND);
		qp->add_boolean_prefix("path", "XP");
	}
	const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
			       Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD;
	Xapian::doccount ndocs = db.get_doccount();
	std::vector<double> t[3];
	std::vector<long> total(qs.size());
	for (int mode = 0; mode < 3; mode++) {
		for (int pass = 0; pass < 2; pass++) {
			t[mode].assign(qs.size(), 0);
			for (size_t i = 0; i < qs.size(); i++) {
				Xapian::Enquire enq(db);
				double t0 = now_ms();
				Xapian::QueryParser &qp = qs[i].arabic ? qp_ar : qp_en;
				Xapian::Query q = qp.parse_query(qs[i].peer, flags);
				enq.set_query(q);
				Xapian::MSet m = enq.get_mset(0, 10, mode == 0 ? 0 : ndocs);
				if (mode == 2) {
					Xapian::Stem stem(qs[i].arabic ? "arabic" : "english");
					size_t len = 0;
					for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
						std::string text = slurp(corpus + "/" + it.get_document().get_data());
						len += m.snippet(text, 200, stem).size();
					}
					if (len == (size_t)-1)
						fprintf(stderr, "?");
				}
				t[mode][i] = now_ms() - t0;
				if (mode == 1)
					total[i] = (long)m.get_matches_estimated();
			}
		}
	}
	FILE *out = fopen(argv[5], "w");
	if (!out) {
		perror(argv[5]);
		return 1;
	}
	for (size_t i = 0; i < qs.size(); i++)
		fprintf(out, "%s\t%.4f\t%.4f\t%.4f\t%ld\n", qs[i].kind.c_str(), t[0][i], t[1][i], t[2][i], total[i]);
	fclose(out);
	return 0;
}
