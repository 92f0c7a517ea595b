/**
 * Saving a file the page made: the one way every download button goes. The anchor is attached
 * for the click (a detached one is ignored by some browsers) and the object URL kept for 10 s,
 * long enough for the browser to start reading it (revoked at once, a large file can be lost).
 */
export function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveText(fileName: string, text: string, type: string): void {
  saveBlob(fileName, new Blob([text], { type }));
}

/** JSON, compact by default (checkpoints run to megabytes); `indent` for files people read. */
export function saveJson(fileName: string, value: unknown, indent?: number): void {
  saveText(fileName, JSON.stringify(value, null, indent), 'application/json');
}

export function saveBytes(fileName: string, bytes: Uint8Array): void {
  saveBlob(
    fileName,
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
  );
}
