import { useRef, useState, type ReactNode } from 'react';

/**
 * A file drop zone with a "Choose files…" button (the keyboard path): both hand the files to
 * `onFiles`. The test ids name the zone and its hidden file input.
 */
export function DropZone({
  testId,
  inputTestId,
  accept,
  onFiles,
  children,
  after,
}: {
  testId: string;
  inputTestId: string;
  accept: string;
  onFiles: (files: File[]) => void;
  /** What the zone says before the button ("Drop .npy files here, or"). */
  children: ReactNode;
  /** Anything below the button inside the zone. */
  after?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  return (
    <div
      className={`ff-drop${over ? ' ff-over' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        onFiles(Array.from(e.dataTransfer.files));
      }}
    >
      {children}{' '}
      <button type="button" onClick={() => input.current?.click()}>
        Choose files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid={inputTestId}
        onChange={(e) => {
          onFiles(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = '';
        }}
      />
      {after}
    </div>
  );
}
