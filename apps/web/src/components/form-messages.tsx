/**
 * The outcome lines under a form: a quiet notice (announced politely) and an
 * error (announced at once). Either may be absent; nothing renders then.
 */
export function FormMessages({ notice, error }: { notice?: string | null; error?: string | null }) {
  return (
    <>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
