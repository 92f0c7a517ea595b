import { cifarFileRole, defaultCifarClasses, parseCifarBin } from './cifar';
import { CifarAssembler, readCifarArchive } from './cifarDataset';
import { fail } from './errors';
import { idxImageSplit, parseIdx } from './idx';
import { FASHION_MNIST_CLASSES } from './fashionMnist';
import { chunksOf, concatBytes, type ByteSource, type ProgressFn } from './source';
import { DIGIT_CLASSES } from './mnist';
import { readSvhnMat, svhnDataset } from './svhn';
import type { ImageDataset, ImageSplit } from './types';

/**
 * Datasets from user files, recognised by name: the CIFAR archives (.tar.gz/.tgz/.tar), the
 * loose CIFAR .bin files, SVHN train/test_32x32.mat, and IDX image/label pairs (MNIST format,
 * plain or .gz). A complete set gives train and test; a single split file (e.g. only
 * test_32x32.mat) gives that split and an empty other one, said so in splitNote.
 */
export interface NamedSource {
  name: string;
  /** Byte size, for progress and for CIFAR .bin record counts (File.size, fs.stat). */
  size?: number;
  source: ByteSource;
}

export interface FilesOptions {
  onProgress?: ProgressFn;
  /** Which dataset IDX files hold (default 'mnist'). */
  idxDataset?: 'mnist' | 'fashion-mnist';
}

type Kind = 'archive' | 'svhn' | 'cifar' | 'idx';

function kindOf(name: string): Kind {
  const base = name.split(/[\\/]/).pop() ?? name;
  if (/\.(tar\.gz|tgz|tar)$/i.test(base)) return 'archive';
  if (/\.mat$/i.test(base)) return 'svhn';
  if (cifarFileRole(base)) return 'cifar';
  if (/(train|t10k|test)-(images|labels)/i.test(base)) return 'idx';
  fail(
    `${name}: unrecognised file; NC Lab reads cifar-10-binary.tar.gz, cifar-100-binary.tar.gz, the CIFAR ` +
      `.bin files, SVHN train_32x32.mat / test_32x32.mat and IDX files (train-images-idx3-ubyte[.gz], …)`,
  );
}

function isTestFile(name: string): boolean {
  return /(^|[^a-z])(test|t10k)/i.test(name.split(/[\\/]/).pop() ?? name);
}

export async function datasetFromFiles(
  files: NamedSource[],
  options: FilesOptions = {},
): Promise<ImageDataset> {
  if (files.length === 0) fail('no files given');
  const kinds = new Set(files.map((f) => kindOf(f.name)));
  if (kinds.size > 1)
    fail(`mixed file kinds (${[...kinds].join(', ')}): give the files of one dataset`);
  const kind = [...kinds][0];
  const total = files.reduce((n, f) => n + (f.size ?? 0), 0);
  let done = 0;
  const progressFor = (f: NamedSource): ProgressFn | undefined =>
    options.onProgress && total > 0
      ? (fraction, message) =>
          options.onProgress!((done + fraction * (f.size ?? 0)) / total, message)
      : undefined;
  const finishFile = (f: NamedSource) => (done += f.size ?? 0);

  if (kind === 'archive') {
    if (files.length > 1) fail('give one CIFAR archive at a time');
    const [f] = files;
    return readCifarArchive(f.source, {
      fileName: f.name,
      totalBytes: f.size,
      onProgress: options.onProgress,
    });
  }
  if (kind === 'svhn') {
    const splits: Partial<Record<'train' | 'test', ImageSplit>> = {};
    for (const f of files) {
      if (/extra/i.test(f.name))
        fail(
          `${f.name}: SVHN's extra set is not used (give train_32x32.mat and/or test_32x32.mat)`,
        );
      const side = isTestFile(f.name) ? 'test' : 'train';
      if (splits[side]) fail(`${f.name}: a second SVHN ${side} file`);
      splits[side] = await readSvhnMat(f.source, {
        fileName: f.name,
        totalBytes: f.size,
        onProgress: progressFor(f),
      });
      finishFile(f);
    }
    const missing = !splits.train ? 'train' : !splits.test ? 'test' : null;
    const ds = svhnDataset(splits.train ?? emptySplit(), splits.test ?? emptySplit());
    if (missing)
      ds.splitNote = `SVHN, ${missing === 'train' ? 'test' : 'train'} file only (${files[0].name}); ${missing} split empty; label 10 → digit 0`;
    return ds;
  }
  if (kind === 'cifar') {
    const bins = files.filter((f) => f.name.endsWith('.bin'));
    if (bins.length === 1) return singleCifarFile(bins[0], await readAll(bins[0].source));
    const assembler = new CifarAssembler(
      files.length === 1 ? files[0].name : `${files.length} files`,
    );
    for (const f of files) {
      const bytes = await readAll(f.source);
      const sink = assembler.file(f.name, bytes.length);
      sink?.data(bytes);
      sink?.end();
      finishFile(f);
      options.onProgress?.(total > 0 ? done / total : 1, `Read ${f.name}`);
    }
    return assembler.finish();
  }
  return idxDataset(files, options.idxDataset ?? 'mnist');
}

function emptySplit(): ImageSplit {
  return { images: new Uint8Array(0), labels: new Int32Array(0) };
}

async function readAll(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  const parts: Uint8Array[] = [];
  for await (const c of chunksOf(source)) parts.push(c.slice());
  return concatBytes(parts);
}

function singleCifarFile(f: NamedSource, bytes: Uint8Array): ImageDataset {
  const role = cifarFileRole(f.name)!;
  if (role.kind === 'names') fail(`${f.name}: class names only; give the .bin files too`);
  const split = parseCifarBin(bytes, role.variant, f.name);
  const side = role.kind === 'test' ? 'test' : 'train';
  const empty = emptySplit();
  return {
    kind: 'images',
    name: role.variant,
    classes: defaultCifarClasses(role.variant),
    shape: [32, 32, 3],
    train: side === 'train' ? split : empty,
    test: side === 'test' ? split : empty,
    splitNote: `${f.name} only (${split.labels.length} images) as the ${side} split; the other split is empty`,
  };
}

async function idxDataset(
  files: NamedSource[],
  name: 'mnist' | 'fashion-mnist',
): Promise<ImageDataset> {
  const found: Record<string, { file: NamedSource; bytes: Uint8Array }> = {};
  for (const f of files) {
    const base = f.name.split(/[\\/]/).pop() ?? f.name;
    const m = /(train|t10k|test)-(images|labels)/i.exec(base)!;
    const key = `${m[1].toLowerCase() === 'train' ? 'train' : 'test'}-${m[2].toLowerCase()}`;
    if (found[key]) fail(`${f.name}: a second ${key} file`);
    found[key] = { file: f, bytes: await readAll(f.source) };
  }
  const split = (side: 'train' | 'test') => {
    const img = found[`${side}-images`];
    const lab = found[`${side}-labels`];
    if (!img && !lab) return null;
    if (!img || !lab)
      fail(`${(img ?? lab).file.name}: its ${img ? 'labels' : 'images'} file is missing`);
    return idxImageSplit(
      parseIdx(img.bytes, img.file.name),
      parseIdx(lab.bytes, lab.file.name),
      10,
      {
        images: img.file.name,
        labels: lab.file.name,
      },
    );
  };
  const train = split('train');
  const test = split('test');
  const shape = (train ?? test)!.shape;
  if (train && test && train.shape.join() !== test.shape.join())
    fail(`train images are ${train.shape.join('×')}, test images ${test.shape.join('×')}`);
  const label = name === 'mnist' ? 'MNIST' : 'Fashion-MNIST';
  return {
    kind: 'images',
    name,
    classes: name === 'mnist' ? [...DIGIT_CLASSES] : [...FASHION_MNIST_CLASSES],
    shape,
    train: train?.split ?? emptySplit(),
    test: test?.split ?? emptySplit(),
    splitNote:
      train && test
        ? `${label} IDX files: train ${train.split.labels.length}, test ${test.split.labels.length} (as given)`
        : `${label} IDX ${train ? 'train' : 'test'} files only; the other split is empty`,
  };
}
