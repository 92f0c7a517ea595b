import { useLab, type LabState } from '../store';
import { Panel } from './Panel';
import { ViewControls } from './ViewControls';
import { PlotFigure, type Figure } from './PlotFigure';
import type { Camera } from './projection3d';
import { useRotation } from './useRotation';
import { view3dFigure } from './view3dFigure';

function build3d(s: LabState, camera: Camera): Figure | null {
  const view = s.lastReport?.geometry.view3d;
  const shape = s.lastReport?.shape;
  if (!view || !shape) return null;
  const names = shape.classSizes.map((n, k) => `class ${k} (n=${n})`);
  const classes = names.map((_, k) => k);
  const centred = s.lastReport?.geometry.centred;
  const meansName = centred ? 'class means (centred)' : 'class means';
  return view3dFigure(view, names, classes, meansName, camera);
}

export function View3dPanel() {
  const view = useLab((s) => s.lastReport?.geometry.view3d);
  const samples = !!view?.samples;
  const rotation = useRotation('run');
  const basis = view
    ? view.basis === 'raw'
      ? 'raw coordinates'
      : `PCA of the class means (${(100 * view.explained).toFixed(1)} % of energy)`
    : '—';
  return (
    <Panel
      testId="panel-3d"
      title="3-D view"
      subtitle={
        <>
          <span data-testid="view3d-basis">{basis}</span> · means ●
          {samples ? ' with training samples · on their scale' : ''} and classifier rows ◇, each set
          to unit max norm; drag to rotate, ▲ ▼ to tilt (the camera stays while training runs).
        </>
      }
      actions={<ViewControls rotation={rotation} testId="view3d" />}
    >
      <PlotFigure
        build={(s) => build3d(s, rotation.camera)}
        watch={(s) => s.lastReport}
        revision={rotation.camera}
        height={400}
        label="Class means and classifier rows in three dimensions"
        boxProps={rotation.boxProps}
      />
    </Panel>
  );
}
