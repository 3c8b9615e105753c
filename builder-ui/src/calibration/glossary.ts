/**
 * The calibration report's figures in plain words, one line each, for a marketer rather than a
 * statistician: what the number means for picking and handing over leads. Each line is written for
 * the value shown, so it reads as a sentence about this report.
 */

/** ROC AUC of a score on the held-out leads. */
export function aucInWords(auc: number): string {
  return `AUC ${auc.toFixed(2)}: given one lead that converted and one that did not, the score ranks the converting one higher ${Math.round(auc * 100)} % of the time (50 % is a coin toss, 100 % never wrong).`;
}

/** Information value of one column alone. */
export function ivInWords(iv: number): string {
  const reading = iv < 0.02 ? 'says next to nothing' : iv < 0.1 ? 'is a weak hint' : iv < 0.3 ? 'is a useful signal' : iv < 0.5 ? 'is a strong signal' : 'is a very strong signal: the leakage check says whether it looks filled in after the sale';
  return `IV ${iv.toFixed(2)} (information value): how well this column alone tells converting leads from the rest; this one ${reading} (under 0.02 nothing, 0.1–0.3 useful, over 0.5 very strong).`;
}

/** A weight of the predictive score, in log-odds. */
export function logOddsInWords(weight: number): string {
  const factor = Math.exp(Math.abs(weight));
  return `Weight ${weight.toFixed(2)} (log-odds): a lead with this is ${factor.toFixed(1)}× ${weight >= 0 ? 'more' : 'less'} likely to convert, by the odds, than one without, all else equal (0 makes no difference).`;
}

/** How the fit of the predictive score went. */
export function iterationsInWords(iterations: number, converged: boolean): string {
  return `${iterations} Newton iteration${iterations === 1 ? '' : 's'}: the rounds of fine-tuning the fit took to settle on its weights; ${converged ? 'it settled, so more rounds would change nothing' : 'it had not settled when it stopped, so treat the weights with care'}.`;
}

/** Log-loss of the predictive score on the leads it learned from. */
export function logLossInWords(loss: number): string {
  return `Log-loss ${loss.toFixed(3)}: how surprised the score is, on average, by which leads converted; lower is better (0.69 is guessing 50/50 every time).`;
}

/** The leads kept apart to test on. */
export function holdoutInWords(holdout: number): string {
  return `Held out ${holdout.toLocaleString('en')} leads: kept apart while learning and used only to test, so the figures above say how the model does on leads it has never seen.`;
}
