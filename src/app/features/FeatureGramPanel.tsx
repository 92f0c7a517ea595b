import { Panel } from '../panels/Panel';
import { PlotFigure, type Figure } from '../panels/PlotFigure';
import { gramFigure } from '../panels/gramFigure';
import { currentCase, useFeatures, type FeaturesState } from './featuresStore';

/** Heatmaps side by side on one colour scale: measured Grams beside the simplex-ETF target. */
function buildGram(s: FeaturesState): Figure | null {
  const g = currentCase(s)?.geometry;
  if (!g) return null;
  const cells: { title: string; z: number[][] | null }[] = [
    { title: 'M̃ M̃ᵀ (centred class means)', z: g.gramMeans },
    ...(g.hasClassifier ? [{ title: 'W Wᵀ (classifier)', z: g.gramW }] : []),
    { title: 'simplex ETF target', z: g.etf },
  ];
  return gramFigure(cells, g.classes.map(String), cells.length);
}

export function FeatureGramPanel() {
  return (
    <Panel
      testId="features-panel-gram"
      title="Gram matrices"
      subtitle="Each divided by its Frobenius norm, as in nc2_etf_error_means / _weights (their distance to the target); rows are the non-empty classes."
      wide
    >
      <PlotFigure
        source={useFeatures}
        build={buildGram}
        watch={(s) => [s.measurement, s.caseIndex]}
        height={300}
        label="Heatmaps of the class-mean and classifier Gram matrices beside the simplex-ETF target"
      />
    </Panel>
  );
}
