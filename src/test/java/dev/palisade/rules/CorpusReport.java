package dev.palisade.rules;

/**
 * Prints the detection and false-positive table of the shipped rules over the corpora (run from the
 * repository root; see bench/rules/README.md). {@code --misses} also lists every miss and false positive.
 */
public final class CorpusReport {

    private CorpusReport() {
    }

    public static void main(String[] args) throws Exception {
        Corpus c = Corpus.shipped();
        Corpus.report(c.attacks(), c.benign(), System.out, args.length > 0 && args[0].equals("--misses"));
    }
}
