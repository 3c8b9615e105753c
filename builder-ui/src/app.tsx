import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { RuleGraph } from '../../rules/graph.schema';
import { KIND_COLOURS, toFlow, type FlowNodeData } from './to-flow';

interface CurrentModel {
  modelId: string;
  version: number;
  name: string;
  graph: RuleGraph;
  publishedAt: string;
}

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; model: CurrentModel };

/** The published scoring model, drawn as its rule graph. The editor grows from here. */
export function App() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    fetch('/api/models/current')
      .then(async (response) => {
        const body = await response.json();
        if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
        setLoad({ state: 'ready', model: body as CurrentModel });
      })
      .catch((err: Error) => setLoad({ state: 'failed', message: err.message }));
  }, []);

  const flow = useMemo(() => (load.state === 'ready' ? toFlow(load.model.graph) : undefined), [load]);

  return (
    <div className="lf-app">
      <header className="lf-header">
        <h1>LeadFlow</h1>
        {load.state === 'ready' && (
          <p data-testid="model-title">
            {load.model.name} · version {load.model.version}
          </p>
        )}
      </header>
      <main className="lf-canvas">
        {load.state === 'loading' && <p className="lf-message">Loading the scoring model…</p>}
        {load.state === 'failed' && (
          <p className="lf-message" role="alert">
            Could not load the scoring model: {load.message}
          </p>
        )}
        {flow && (
          <ReactFlow nodes={flow.nodes} edges={flow.edges} fitView nodesDraggable={false} nodesConnectable={false}>
            <Background />
            <MiniMap pannable zoomable nodeColor={(node) => KIND_COLOURS[(node.data as FlowNodeData).kind]} />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
      </main>
    </div>
  );
}
