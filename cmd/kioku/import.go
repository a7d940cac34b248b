package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"kioku/internal/config"
	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/importer"
	"kioku/internal/store"
)

const importUsage = `usage: kioku import SOURCE PATH... [--report FILE] [--batch N] [--data DIR] [--database DB]

SOURCE is one of:
  bangumi-data   the data.json file of bangumi-data (CC BY 4.0)
  madb           the Media Arts Database anime files, or the folder holding them
  anidb-titles   the AniDB titles dump, anime-titles.dat or .dat.gz (CC BY-NC-SA 4.0)
`

// importData reads a data set and imports it, with a progress bar on standard error and the
// summary on standard output.
func importData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	var reportPath string
	fs := flag.NewFlagSet("kioku import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.StoreFlags(fs)
	fs.StringVar(&reportPath, "report", "", "write the match report (how each record was matched to a page) to this file")
	var batch int
	fs.IntVar(&batch, "batch", 0, "records per transaction (default 2000); an import stopped half way keeps every batch it finished")
	positional, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if batch < 0 {
		return errors.New("--batch must be a number of records")
	}
	if len(positional) < 2 {
		fmt.Fprint(stderr, importUsage)
		return errors.New("name a data set and at least one file")
	}
	source, paths := positional[0], positional[1:]
	var set *dataset.Set
	switch source {
	case dataset.Bangumi:
		if len(paths) != 1 {
			return errors.New("bangumi-data is one file: data.json")
		}
		set, err = dataset.ReadBangumi(paths[0])
	case dataset.MADB:
		set, err = dataset.ReadMADB(paths...)
	case dataset.AniDB:
		if len(paths) != 1 {
			return errors.New("the AniDB titles dump is one file: anime-titles.dat.gz")
		}
		set, err = dataset.ReadAniDB(paths[0])
	default:
		fmt.Fprint(stderr, importUsage)
		return fmt.Errorf("unknown data set %q", source)
	}
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	st, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	edits := &edit.Service{Store: st}
	// An empty wiki is marked as holding search terms of this version, which the import then
	// writes; a wiki with older terms keeps its mark, and serve reindexes it.
	if _, err := edits.SearchIndexCurrent(ctx); err != nil {
		return err
	}
	im := &importer.Importer{Edits: edits, Progress: stderr, Terminal: isTerminal(stderr), BatchSize: batch}
	if reportPath != "" {
		f, err := os.Create(reportPath)
		if err != nil {
			return err
		}
		defer f.Close()
		im.Report = f
	}
	fmt.Fprintf(stderr, "importing %d records of %s (version %s)\n", set.Read, set.Source, set.Version)
	defer importer.BulkGC()()
	sum, err := im.Run(ctx, set)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return errors.New("import stopped; what was saved stays, and running the same import again finishes it")
		}
		return err
	}
	sum.Print(stdout)
	if strings.HasPrefix(source, "anidb") {
		fmt.Fprintln(stdout, "Titles from AniDB (anidb.net) are licensed CC BY-NC-SA 4.0: not for commercial use, adaptations under the same licence.")
	}
	return nil
}

// isTerminal reports whether w is a terminal, where a progress bar may redraw itself.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// pathCommand parses the arguments of a command that takes the store's flags, any of its own
// (which flags adds, when not nil), and one path, which it returns; usage is what a command
// given no path, or several, answers.
func pathCommand(name, usage string, args []string, stderr io.Writer, flags func(*flag.FlagSet)) (config.Config, string, error) {
	var cfg config.Config
	fs := flag.NewFlagSet("kioku "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.StoreFlags(fs)
	if flags != nil {
		flags(fs)
	}
	positional, err := parseMixed(fs, args)
	if err != nil {
		return cfg, "", err
	}
	if len(positional) != 1 {
		return cfg, "", errors.New(usage)
	}
	return cfg, positional[0], nil
}

// parseMixed parses args with fs when flags may come before, between or after the positional
// arguments, which it returns in order.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
