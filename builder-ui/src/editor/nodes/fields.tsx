/**
 * The form controls inspectors are built from. Each has a visible label tied to its input and a
 * `data-testid` of `field-<name>`; number fields keep what is being typed until it is a number,
 * so a marketer can clear a field and type a new value.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useFieldProblem } from './field-issues';

interface FieldBase {
  label: string;
  /** Becomes `data-testid="field-<testId>"`. */
  testId: string;
  hint?: string;
  disabled?: boolean;
}

export function TextField({ label, testId, hint, disabled, value, onChange, optional, placeholder }: FieldBase & {
  value: string | undefined;
  /** With `optional`, an empty field gives undefined. */
  onChange: (value: string | undefined) => void;
  optional?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  const problem = useFieldProblem(testId, id);
  return (
    <div className="lf-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        data-testid={`field-${testId}`}
        value={value ?? ''}
        placeholder={placeholder}
        disabled={disabled}
        {...problem.inputProps}
        onChange={(event) => onChange(optional && event.target.value === '' ? undefined : event.target.value)}
      />
      {problem.note}
      {hint && <small>{hint}</small>}
    </div>
  );
}

export function NumberField({ label, testId, hint, disabled, value, onChange, optional, integer, min, max, step }: FieldBase & {
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  /** An empty field gives undefined; otherwise it keeps the last number until a new one is typed. */
  optional?: boolean;
  integer?: boolean;
  min?: number;
  max?: number;
  step?: number;
}) {
  const id = useId();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const problem = useFieldProblem(testId, id);
  // Follow changes made elsewhere (undo, another field), but not our own half-typed text.
  useEffect(() => {
    setText((current) => (parseNumber(current, integer) === value ? current : value === undefined ? '' : String(value)));
  }, [value, integer]);
  return (
    <div className="lf-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        data-testid={`field-${testId}`}
        value={text}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        disabled={disabled}
        {...problem.inputProps}
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value.trim() === '') {
            if (optional) onChange(undefined);
            return;
          }
          const parsed = parseNumber(event.target.value, integer);
          if (parsed !== undefined) onChange(parsed);
        }}
      />
      {problem.note}
      {hint && <small>{hint}</small>}
    </div>
  );
}

export interface Option<T extends string> {
  value: T;
  label: string;
  /** Options with a group are shown under its heading, groups in the order they first appear. */
  group?: string;
}

export function SelectField<T extends string>({ label, testId, hint, disabled, value, options, onChange }: FieldBase & {
  value: T;
  options: ReadonlyArray<Option<T>>;
  onChange: (value: T) => void;
}) {
  const id = useId();
  const known = options.some((option) => option.value === value);
  const problem = useFieldProblem(testId, id);
  return (
    <div className="lf-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={`field-${testId}`} value={value} disabled={disabled} {...problem.inputProps} onChange={(event) => onChange(event.target.value as T)}>
        {/* A draft may name something that no longer exists (a deleted score); show it rather than hide it. */}
        {!known && <option value={value}>{value === '' ? '(choose)' : `${value} (unknown)`}</option>}
        {grouped(options).map(([group, inGroup]) => {
          const items = inGroup.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ));
          return group === undefined ? items : <optgroup key={group} label={group}>{items}</optgroup>;
        })}
      </select>
      {problem.note}
      {hint && <small>{hint}</small>}
    </div>
  );
}

export function Checkbox({ label, testId, disabled, checked, onChange }: FieldBase & { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="lf-check">
      <input type="checkbox" data-testid={`field-${testId}`} checked={checked} disabled={disabled} onChange={(event) => onChange(event.target.checked)} />
      {label}
    </label>
  );
}

/** Several choices; each box has `data-testid="field-<testId>-<value>"`. Keeps the options' order. */
export function CheckboxGroup<T extends string>({ label, testId, hint, disabled, values, options, onChange, columns }: FieldBase & {
  values: readonly T[];
  options: ReadonlyArray<Option<T>>;
  onChange: (values: T[]) => void;
  columns?: number;
}) {
  const chosen = new Set(values);
  return (
    <fieldset className="lf-fieldset" data-testid={`field-${testId}`}>
      <legend>{label}</legend>
      <div className="lf-checks" style={columns ? { gridTemplateColumns: `repeat(${columns}, auto)` } : undefined}>
        {options.map((option) => (
          <Checkbox
            key={option.value}
            label={option.label}
            testId={`${testId}-${option.value}`}
            disabled={disabled}
            checked={chosen.has(option.value)}
            onChange={(checked) => {
              const next = new Set(chosen);
              if (checked) next.add(option.value);
              else next.delete(option.value);
              onChange(options.map((o) => o.value).filter((v) => next.has(v)));
            }}
          />
        ))}
      </div>
      {hint && <small>{hint}</small>}
    </fieldset>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="lf-fieldset">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

/** Options by group, groups in order of first appearance; ungrouped ones form a group of their own. */
function grouped<T extends string>(options: ReadonlyArray<Option<T>>): Array<[string | undefined, Array<Option<T>>]> {
  const groups = new Map<string | undefined, Array<Option<T>>>();
  for (const option of options) groups.set(option.group, [...(groups.get(option.group) ?? []), option]);
  return [...groups];
}

function parseNumber(text: string, integer?: boolean): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return integer && !Number.isInteger(value) ? undefined : value;
}
