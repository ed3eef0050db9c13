import type { Observable } from '../api/types.ts';
import { useObservable } from '../ui/use-observable.ts';

/**
 * Shown once a newer version of Coffer, opened in another tab, took this
 * browser's local replica over for its schema: this tab's code no longer
 * matches the data, so every save here would fail. A reload loads the new
 * version; nothing acknowledged is lost (it is on the server, or in the
 * replica the other tab now holds).
 */
export function ReplicaReplacedBanner({
  replaced,
  reload = () => location.reload(),
}: {
  replaced: Observable<boolean>;
  reload?: () => void;
}) {
  if (!useObservable(replaced)) return null;
  return (
    <div className="error" role="alert">
      <p>
        Coffer was updated in another tab. This tab still runs the old version and can no longer
        read or save here.
      </p>
      <button type="button" onClick={reload}>
        Reload this page
      </button>
    </div>
  );
}
