import { frameGram, theoryGrams } from '../../engine/ufm/geometry';
import { useLab, type LabState } from '../store';
import { TARGET_LABEL, rightTarget } from '../../engine/metrics/targets';
import { Panel } from './Panel';
import { PlotFigure, type Figure } from './PlotFigure';
import { gramFigure } from './gramFigure';

function buildGram(s: LabState): Figure | null {
  const config = s.lastReport?.shape;
  const g = s.lastReport?.geometry;
  const t = s.theory;
  if (!config || !g) return null;
  const K = config.K;
  const mean = config.bias ? 'M̃ M̃ᵀ (centred means)' : 'H̄ H̄ᵀ (class means)';
  // Without a closed form (networks), compare with the ideal frame's shape where one exists.
  const target = rightTarget(config);
  const ideal = target === 'gof' ? null : frameGram(target, K);
  const name = t ? 'closed form' : `${TARGET_LABEL[target]} target`;
  const predicted = t ? theoryGrams(t) : { gramW: ideal, gramH: ideal };
  const cells: { title: string; z: number[][] | null }[] = [
    { title: 'W Wᵀ measured', z: g.gramW },
    { title: `W Wᵀ ${name}`, z: predicted.gramW },
    { title: `${mean} measured`, z: g.gramH },
    { title: `${mean} ${name}`, z: predicted.gramH },
  ];
  const figure = gramFigure(
    cells,
    Array.from({ length: K }, (_, k) => `${k}`),
    2,
  );
  return { data: figure.data, layout: { ...figure.layout, uirevision: 'gram' } };
}

export function GramPanel() {
  const config = useLab((s) => s.lastReport?.shape ?? null);
  return (
    <Panel
      testId="panel-gram"
      title="Gram matrices"
      subtitle={
        <>
          Each matrix divided by its Frobenius norm (display scaling). Target:{' '}
          {config ? TARGET_LABEL[rightTarget(config)] : '—'}.
        </>
      }
    >
      <PlotFigure
        build={buildGram}
        watch={(s) => [s.lastReport, s.theory]}
        height={420}
        label="Heatmaps of the classifier and class-mean Gram matrices beside their closed-form targets"
      />
    </Panel>
  );
}
