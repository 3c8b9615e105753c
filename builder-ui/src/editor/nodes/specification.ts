/**
 * What the editor knows about one node kind, in one object: its palette entry, the node a drop
 * creates, the line shown on the canvas, and its inspector form. nodes/registry.ts collects one
 * per kind in a record typed over every kind, so a kind without a specification does not compile.
 */
import type { ComponentType } from 'react';
import type { EventType } from '../../../../rules/facts-catalogue';
import type { NodeKind, NodeOfKind, RuleGraph } from '../../../../rules/graph.schema';

/** The parts of the model a node's form offers choices from, and the queues in use. */
export type SpecContext = Pick<RuleGraph, 'scores' | 'segments'> & {
  queues?: QueueChoices;
  /** The event types of the triggers that lead to the edited node, when any do. */
  events?: readonly EventType[];
};

/** The queues a route may name: those of the model's other routes, and those sales keys work. */
export interface QueueChoices {
  /** Queues and escalation targets of the model's routes, the edited one left out. */
  inModel: readonly string[];
  /** Queue → how many active sales keys work it; undefined while unknown (not loaded, or not allowed). */
  worked?: ReadonlyMap<string, number>;
}

export interface InspectorProps<K extends NodeKind> {
  node: NodeOfKind<K>;
  onChange: (node: NodeOfKind<K>) => void;
  context: SpecContext;
  readOnly?: boolean;
}

export interface NodeSpecification<K extends NodeKind> {
  kind: K;
  /** The name on the palette. */
  title: string;
  /** What the kind is for, in a line: the palette's description of it. */
  help: string;
  colour: string;
  /** The fields of a node dropped from the palette. */
  create(context: SpecContext): Omit<NodeOfKind<K>, 'id' | 'position'>;
  /** One line a marketer reads on the canvas: what the node does. */
  summary(node: NodeOfKind<K>): string;
  /** The form for the kind's own fields (the label is edited by every inspector alike). */
  Inspector: ComponentType<InspectorProps<K>>;
}

/** The score a new node should use: `preferred` when the model has it, else its first score. */
export function pickScore(context: SpecContext, preferred: string): string {
  return context.scores.some((score) => score.id === preferred) ? preferred : (context.scores[0]?.id ?? preferred);
}

export const scoreOptions = (context: SpecContext) => context.scores.map((score) => ({ value: score.id, label: `${score.label} (${score.id})` }));
