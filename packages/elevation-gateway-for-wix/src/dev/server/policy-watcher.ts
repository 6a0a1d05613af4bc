// Watches the policy folder; one callback per burst of changes (editors write a file in several steps).
import { watch, type FSWatcher } from 'node:fs';

export interface PolicyWatcher {
  close(): void;
}

export function watchPolicies(dir: string, onChange: (file: string) => void, debounceMs = 150): PolicyWatcher {
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, file) => {
    last = file ? String(file) : last;
    clearTimeout(timer);
    timer = setTimeout(() => onChange(last), debounceMs);
  });
  watcher.on('error', () => {
    /* the folder went away; the last good policy keeps serving */
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
