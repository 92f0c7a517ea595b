import { Panel } from '../panels/Panel';
import { ViewControls } from '../panels/ViewControls';
import { PlotFigure, type Figure } from '../panels/PlotFigure';
import type { Camera } from '../panels/projection3d';
import { useRotation } from '../panels/useRotation';
import { view3dFigure } from '../panels/view3dFigure';
import { currentCase, useFeatures, type FeaturesState } from './featuresStore';

function build3d(s: FeaturesState, camera: Camera): Figure | null {
  const g = currentCase(s)?.geometry;
  if (!g) return null;
  const names = g.classes.map((c, k) => `class ${c} (n=${g.counts[k]})`);
  return view3dFigure(g.view3d, names, g.classes, 'class means (centred)', camera);
}

export function FeatureView3dPanel() {
  const view = useFeatures((s) => currentCase(s)?.geometry?.view3d);
  const rotation = useRotation('features');
  const basis = !view
    ? '—'
    : view.basis === 'raw'
      ? 'raw coordinates (d ≤ 3)'
      : `PCA of the centred class means (${(100 * view.explained).toFixed(1)} % of their energy)`;
  return (
    <Panel
      testId="features-panel-3d"
      title="3-D view of the class means"
      subtitle={
        <>
          <span data-testid="features-view3d-basis">{basis}</span> · means ● with up to 400 of your
          samples · on their scale, and classifier rows ◇ on the same axes, each set to unit max
          norm; drag to rotate, ▲ ▼ to tilt.
        </>
      }
      actions={<ViewControls rotation={rotation} testId="features-view3d" />}
    >
      <PlotFigure
        source={useFeatures}
        build={(s) => build3d(s, rotation.camera)}
        watch={(s) => [s.measurement, s.caseIndex]}
        revision={rotation.camera}
        height={380}
        label="Centred class means, samples and classifier rows in three dimensions"
        boxProps={rotation.boxProps}
      />
    </Panel>
  );
}
