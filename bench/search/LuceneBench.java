// LuceneBench.java - the Lucene 8 side of bench/search/run.sh (Debian's
// liblucene8-java, compiled with javac at bench time).
//
//   java -cp ... LuceneBench index DIR CORPUS            index every CORPUS/DIR/FILE.txt
//   java -cp ... LuceneBench query DIR CORPUS QUERIES OUT
//
// index: one document a file; "body" a TextField (indexed with positions,
// not stored) through one analyzer for both languages: StandardTokenizer,
// LowerCaseFilter, DecimalDigitFilter, ArabicNormalizationFilter,
// ArabicStemFilter (light8: article and conjunction prefixes, suffixes),
// PorterStemFilter (Latin words); "path" a StringField (the corpus folder,
// the filter) and "file" a stored StringField (for the highlighter). One
// IndexWriter, one thread, 64 MB RAM buffer, commit at the end, no
// forceMerge (the index as a writer leaves it).
//
// query: QUERIES is the TSV of make-queries.py (kind, daftar query, peer
// query). Each query goes through the classic QueryParser (default operator
// AND, path: through a KeywordAnalyzer) and is timed in three ways, each
// over the whole list twice, the second (warm) pass kept:
//   top10    parse + searcher.search(q, 10)             (total counted to 1,000, then a lower bound)
//   exact    parse + TopScoreDocCollector(10, MAX_VALUE) (exact total, like daftar's count(*))
//   snippet  exact + Highlighter.getBestFragment of each hit's text, read from CORPUS
// OUT gets one line a query: kind, top10 ms, exact ms, snippet ms, total.
//
//   java -cp ... LuceneBench rank COLLDIR QUERIES OUT bench|english
//
// rank: ranking (bench/search/map.py): COLLDIR/NNNNN.txt indexed alone in
// memory, through the analyzer above ("bench") or Lucene's EnglishAnalyzer
// (stop words, possessives, Porter: "english"); each "qnum<TAB>words" line
// of QUERIES parsed with the default operator OR and searched with BM25
// (Lucene's default similarity, k1 1.2, b 0.75); the top 100 to OUT as
// "qnum<TAB>docno".
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.ar.*;
import org.apache.lucene.analysis.core.DecimalDigitFilter;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.*;
import org.apache.lucene.search.highlight.*;
import org.apache.lucene.store.FSDirectory;

public class LuceneBench {
	static Analyzer bodyAnalyzer()
	{
		return new Analyzer() {
			@Override
			protected TokenStreamComponents createComponents(String field)
			{
				Tokenizer src = new StandardTokenizer();
				TokenStream t = new LowerCaseFilter(src);
				t = new DecimalDigitFilter(t);
				t = new ArabicNormalizationFilter(t);
				t = new ArabicStemFilter(t);
				t = new PorterStemFilter(t);
				return new TokenStreamComponents(src, t);
			}

			@Override
			protected TokenStream normalize(String field, TokenStream in)
			{
				return new ArabicNormalizationFilter(new LowerCaseFilter(in));
			}
		};
	}

	static Analyzer analyzer()
	{
		Map<String, Analyzer> m = new HashMap<>();
		m.put("path", new KeywordAnalyzer());
		return new PerFieldAnalyzerWrapper(bodyAnalyzer(), m);
	}

	static void index(String dir, String corpus) throws Exception
	{
		IndexWriterConfig cfg = new IndexWriterConfig(analyzer());
		cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
		cfg.setRAMBufferSizeMB(64);
		long t0 = System.nanoTime();
		int n = 0;
		try (IndexWriter w = new IndexWriter(FSDirectory.open(Paths.get(dir)), cfg)) {
			File[] subs = new File(corpus).listFiles();
			Arrays.sort(subs);
			for (File sub : subs) {
				File[] files = sub.listFiles();
				Arrays.sort(files);
				for (File f : files) {
					String text = new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
					Document d = new Document();
					d.add(new TextField("body", text, Field.Store.NO));
					d.add(new StringField("path", sub.getName(), Field.Store.NO));
					d.add(new StringField("file", sub.getName() + "/" + f.getName(), Field.Store.YES));
					w.addDocument(d);
					n++;
				}
			}
			w.commit();
		}
		System.err.printf("lucene: indexed %d documents in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
	}

	static void query(String dir, String corpus, String qfile, String out) throws Exception
	{
		List<String> kinds = new ArrayList<>(), qs = new ArrayList<>();
		for (String line : Files.readAllLines(Paths.get(qfile), StandardCharsets.UTF_8)) {
			String[] p = line.split("\t", 3);
			if (p.length == 3) {
				kinds.add(p[0]);
				qs.add(p[2]);
			}
		}
		int n = qs.size();
		double[][] t = new double[3][n];
		long[] total = new long[n];
		Analyzer a = analyzer();
		try (DirectoryReader r = DirectoryReader.open(FSDirectory.open(Paths.get(dir)))) {
			IndexSearcher s = new IndexSearcher(r);
			Set<String> fileField = Collections.singleton("file");
			for (int mode = 0; mode < 3; mode++) {
				for (int pass = 0; pass < 2; pass++) {
					for (int i = 0; i < n; i++) {
						long t0 = System.nanoTime();
						QueryParser qp = new QueryParser("body", a);
						qp.setDefaultOperator(QueryParser.Operator.AND);
						Query q = qp.parse(qs.get(i));
						TopDocs td;
						if (mode == 0) {
							td = s.search(q, 10);
						} else {
							TopScoreDocCollector c = TopScoreDocCollector.create(10, Integer.MAX_VALUE);
							s.search(q, c);
							td = c.topDocs();
						}
						if (mode == 2) {
							Highlighter h = new Highlighter(new SimpleHTMLFormatter("«", "»"),
											new QueryScorer(q, "body"));
							int len = 0;
							for (ScoreDoc sd : td.scoreDocs) {
								String f = s.doc(sd.doc, fileField).get("file");
								String text = new String(Files.readAllBytes(Paths.get(corpus, f)),
											 StandardCharsets.UTF_8);
								String frag = h.getBestFragment(a, "body", text);
								len += frag == null ? 0 : frag.length();
							}
							if (len < 0)
								System.err.print("?");
						}
						t[mode][i] = (System.nanoTime() - t0) / 1e6;
						if (mode == 1)
							total[i] = td.totalHits.value;
					}
				}
			}
		}
		try (PrintWriter w = new PrintWriter(out, "UTF-8")) {
			for (int i = 0; i < n; i++)
				w.printf(Locale.ROOT, "%s\t%.4f\t%.4f\t%.4f\t%d%n", kinds.get(i), t[0][i], t[1][i], t[2][i],
					 total[i]);
		}
	}

	static void rank(String dir, String qfile, String out, String which) throws Exception
	{
		Analyzer a = which.equals("english") ? new org.apache.lucene.analysis.en.EnglishAnalyzer() : bodyAnalyzer();
		org.apache.lucene.store.ByteBuffersDirectory mem = new org.apache.lucene.store.ByteBuffersDirectory();
		try (IndexWriter w = new IndexWriter(mem, new IndexWriterConfig(a))) {
			File[] files = new File(dir).listFiles();
			Arrays.sort(files);
			for (File f : files) {
				Document d = new Document();
				d.add(new TextField("body", new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8), Field.Store.NO));
				d.add(new StoredField("docno", Integer.parseInt(f.getName().replaceAll("\\..*", ""))));
				w.addDocument(d);
			}
		}
		try (DirectoryReader r = DirectoryReader.open(mem); PrintWriter o = new PrintWriter(out, "UTF-8")) {
			IndexSearcher s = new IndexSearcher(r);
			for (String line : Files.readAllLines(Paths.get(qfile), StandardCharsets.UTF_8)) {
				String[] p = line.split("\t", 2);
				if (p.length != 2 || p[1].isEmpty())
					continue;
				QueryParser qp = new QueryParser("body", a);
				qp.setDefaultOperator(QueryParser.Operator.OR);
				for (ScoreDoc sd : s.search(qp.parse(QueryParser.escape(p[1])), 100).scoreDocs)
					o.printf("%s\t%d%n", p[0], s.doc(sd.doc).getField("docno").numericValue().intValue());
			}
		}
	}

	public static void main(String[] args) throws Exception
	{
		if (args.length == 3 && args[0].equals("index"))
			index(args[1], args[2]);
		else if (args.length == 5 && args[0].equals("query"))
			query(args[1], args[2], args[3], args[4]);
		else if (args.length == 5 && args[0].equals("rank"))
			rank(args[1], args[2], args[3], args[4]);
		else {
			System.err.println("usage: LuceneBench index DIR CORPUS | query DIR CORPUS QUERIES OUT | rank COLLDIR QUERIES OUT bench|english");
			System.exit(2);
		}
	}
}
