import { GRADES, type Grade } from '../../../../rules/graph.schema';
import { CheckboxGroup, NumberField, Section, SelectField } from './fields';
import { pickScore, scoreOptions, type NodeSpecification } from './specification';

type Bands = [number, number, number];
const setBand = (bands: Bands, index: number, value: number): Bands => bands.map((band, i) => (i === index ? value : band)) as Bands;

/** The A1–D4 matrix: fit graded A–D, engagement 1–4; some grades go to sales. */
export const gradeSpecification: NodeSpecification<'grade'> = {
  kind: 'grade',
  title: 'Grade',
  help: 'Grades leads A1–D4 from fit and engagement; chosen grades go to sales.',
  colour: '#0f8b8d',
  create: (context) => ({
    kind: 'grade',
    label: 'Grade matrix',
    fitScore: pickScore(context, 'fit'),
    engagementScore: pickScore(context, 'engagement'),
    fitBands: [60, 40, 20],
    engagementBands: [60, 40, 20],
    salesReady: ['A1', 'A2', 'B1'],
  }),
  summary: (node) => `${node.label ?? node.id} · sales-ready ${node.salesReady.join(', ') || 'none'}`,
  Inspector: ({ node, onChange, context, readOnly }) => (
    <>
      <div className="lf-grid-2">
        <SelectField label="Fit score" testId="fitScore" value={node.fitScore} options={scoreOptions(context)} disabled={readOnly} onChange={(fitScore) => onChange({ ...node, fitScore })} />
        <SelectField label="Engagement score" testId="engagementScore" value={node.engagementScore} options={scoreOptions(context)} disabled={readOnly} onChange={(engagementScore) => onChange({ ...node, engagementScore })} />
      </div>
      <Section title="Fit bands (lowest score for A, B, C)">
        <div className="lf-grid-3">
          {(['A', 'B', 'C'] as const).map((band, index) => (
            <NumberField
              key={band}
              label={band}
              testId={`fitBands-${index}`}
              value={node.fitBands[index]}
              disabled={readOnly}
              onChange={(value) => value !== undefined && onChange({ ...node, fitBands: setBand(node.fitBands, index, value) })}
            />
          ))}
        </div>
      </Section>
      <Section title="Engagement bands (lowest score for 1, 2, 3)">
        <div className="lf-grid-3">
          {(['1', '2', '3'] as const).map((band, index) => (
            <NumberField
              key={band}
              label={band}
              testId={`engagementBands-${index}`}
              value={node.engagementBands[index]}
              disabled={readOnly}
              onChange={(value) => value !== undefined && onChange({ ...node, engagementBands: setBand(node.engagementBands, index, value) })}
            />
          ))}
        </div>
      </Section>
      <CheckboxGroup<Grade>
        label="Hand these grades to sales"
        testId="salesReady"
        columns={4}
        values={node.salesReady}
        options={GRADES.map((grade) => ({ value: grade, label: grade }))}
        disabled={readOnly}
        onChange={(salesReady) => onChange({ ...node, salesReady })}
      />
    </>
  ),
};
