/** Placeholder for the Visual Turing Test (reader study); issue 4 builds it. */
export function ReaderStudyView() {
  return (
    <section className="panel" aria-labelledby="reader-title">
      <h2 id="reader-title">Reader study</h2>
      <p>
        Coming soon: a blinded reader study (Visual Turing Test) where readers judge real and synthetic cases, with
        per-reader accuracy and exports.
      </p>
    </section>
  );
}
