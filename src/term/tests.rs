//! What the terminal shows, decided in-process over `Term::test` buffers.

use super::*;

fn term(settings: TestTerm) -> (Term, Buffers) {
    Term::test(settings)
}

#[test]
fn only_a_terminal_on_stdin_is_told_what_to_type() {
    assert_eq!(stdin_note(true), Some(STDIN_NOTE));
    assert_eq!(stdin_note(false), None);
    assert!(STDIN_NOTE.contains("Ctrl-D"));
}

#[test]
fn quiet_silences_chatter_but_not_what_the_data_lacks() {
    let (term, out) = term(TestTerm {
        quiet: true,
        ..TestTerm::default()
    });
    term.warn("a warning");
    term.note("a note");
    term.problem("account B/1: MISSING the bank's answer left this account out");
    term.summary("1 account has errors");
    term.instruct("open http://127.0.0.1:1/\nthen come back");
    term.error(&Error::usage_hint("bad value", "the way out"));
    assert_eq!(
        out.stderr(),
        "warning: account B/1: MISSING the bank's answer left this account out\n\
         1 account has errors\n\
         open http://127.0.0.1:1/\nthen come back\n\
         error: bad value\nhint: the way out\n"
    );
    assert_eq!(out.stdout(), "");
}

#[test]
fn warnings_are_one_line_each_and_painted_only_with_colour() {
    let (plain, out) = term(TestTerm::default());
    plain.warn("two\nlines");
    plain.problem_with_hint("a problem", Some("its hint"));
    assert_eq!(
        out.stderr(),
        "warning: two\\nlines\nwarning: a problem\nhint: its hint\n"
    );
    let (painted, out) = term(TestTerm {
        color: true,
        ..TestTerm::default()
    });
    painted.warn("careful");
    painted.error(&Error::usage("wrong"));
    assert_eq!(
        out.stderr(),
        "\u{1b}[33mwarning\u{1b}[0m: careful\n\u{1b}[31;1merror\u{1b}[0m: wrong\n"
    );
}

#[test]
fn a_table_fits_columns_else_the_terminal_and_a_pipe_gets_every_column() {
    let width = |settings: TestTerm, wide: bool| term(settings).0.table_width(wide);
    let terminal = TestTerm {
        tty: true,
        width: Some(100),
        ..TestTerm::default()
    };
    assert_eq!(width(terminal.clone(), false), Some(100));
    assert_eq!(width(terminal.clone(), true), None);
    let columns = TestTerm {
        columns: Some(80),
        ..terminal.clone()
    };
    assert_eq!(width(columns.clone(), false), Some(80));
    // COLUMNS counts even when stdout is a pipe; the terminal's size only on a terminal.
    assert_eq!(
        width(
            TestTerm {
                tty: false,
                ..columns
            },
            false
        ),
        Some(80)
    );
    assert_eq!(
        width(
            TestTerm {
                tty: false,
                ..terminal.clone()
            },
            false
        ),
        None
    );
    // A terminal that reports no size is as good as none.
    let sizeless = TestTerm {
        width: Some(0),
        ..terminal
    };
    assert_eq!(width(sizeless.clone(), false), None);
    assert_eq!(term(sizeless).0.table_style(), TableStyle::Terminal);
    assert_eq!(term(TestTerm::default()).0.table_style(), TableStyle::Plain);
}

#[test]
fn data_goes_to_stdout_and_a_report_writer_appends_to_it() {
    let (term, out) = term(TestTerm::default());
    term.print("{\"a\":1}\n").unwrap();
    let mut report = term.stdout();
    report.write_all(b"x,y\n").unwrap();
    report.flush().unwrap();
    assert_eq!(out.stdout(), "{\"a\":1}\nx,y\n");
    assert_eq!(out.stderr(), "");
}

#[test]
fn stdin_is_read_with_a_note_only_at_a_terminal() {
    let (piped, out) = term(TestTerm {
        stdin: "B/1\nB/2\n".into(),
        ..TestTerm::default()
    });
    assert_eq!(piped.read_stdin().unwrap(), "B/1\nB/2\n");
    assert_eq!(out.stderr(), "");
    let (typed, out) = term(TestTerm {
        tty: true,
        stdin: "secret\nrest\n".into(),
        ..TestTerm::default()
    });
    assert_eq!(typed.read_stdin_line().unwrap(), "secret");
    assert_eq!(typed.read_stdin().unwrap(), "rest\n");
    assert_eq!(out.stderr(), format!("{STDIN_NOTE}\n"));
}

#[test]
fn a_prompt_takes_its_default_for_an_empty_answer() {
    let (term, out) = term(TestTerm {
        tty: true,
        stdin: "\nacme\n".into(),
        ..TestTerm::default()
    });
    assert!(term.can_prompt());
    assert_eq!(term.prompt("Client id", Some("demo")).unwrap(), "demo");
    assert_eq!(term.prompt("Name", None).unwrap(), "acme");
    assert_eq!(out.stderr(), "Client id [demo]: Name: ");
}

#[test]
fn progress_is_counted_only_for_a_person_watching_several_requests() {
    let shown = |settings: TestTerm, total: usize| term(settings).0.progress(total).is_shown();
    let terminal = TestTerm {
        tty: true,
        ..TestTerm::default()
    };
    assert!(shown(terminal.clone(), 2));
    assert!(!shown(terminal.clone(), 1));
    assert!(!shown(
        TestTerm {
            quiet: true,
            ..terminal
        },
        2
    ));
    assert!(!shown(TestTerm::default(), 2));
}
