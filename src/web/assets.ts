/**
 * The one stylesheet and the one script of every page, served from memory under content-hashed
 * paths (cached for a year). Pages work without the script: it only adds live filtering on the
 * overview, auto-submits window pickers and asks before resolving an incident.
 */
import { createHash } from 'node:crypto';

const CSS = `
:root{--ok:#1f9d55;--minor:#d69e2e;--major:#dd6b20;--down:#c53030;--maint:#3182ce;--none:#cbd5e0;
--fg:#1a202c;--muted:#5a6678;--bg:#f7f8fa;--card:#fff;--line:#e2e8f0;--accent:#2b6cb0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
header.top{display:flex;align-items:center;gap:1rem;padding:.6rem 1.2rem;background:#1a202c;color:#fff}
header.top a{color:#fff;text-decoration:none}
header.top nav{display:flex;gap:1rem;flex:1}
header.top form{margin:0}
main{max-width:1200px;margin:0 auto;padding:1rem 1.2rem 3rem}
main.narrow{max-width:760px}
h1{font-size:1.5rem;margin:.6rem 0}
h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:.8rem 0}
.muted{color:var(--muted)}
.small{font-size:.85rem}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;font-size:.85rem;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600;color:#fff;background:var(--none)}
.s-up,.s-operational,.s-resolved,.s-none{background:var(--ok)}
.s-degraded,.s-degraded_performance,.s-minor,.s-monitoring,.s-P2{background:var(--minor)}
.s-partial_outage,.s-major,.s-identified{background:var(--major)}
.s-down,.s-major_outage,.s-critical,.s-investigating,.s-P1{background:var(--down)}
.s-maintenance,.s-under_maintenance,.s-P3{background:var(--maint)}
.s-unknown,.s-paused{background:#718096}
.banner{padding:1rem 1.2rem;border-radius:8px;color:#fff;font-weight:600;font-size:1.1rem;margin:1rem 0}
.banner.failing{background:#c53030;font-size:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.8rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:.8rem;margin:.8rem 0}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
.kv dt{color:var(--muted)}
.kv dd{margin:0}
.component{display:flex;flex-direction:column;gap:.3rem;padding:.8rem 0;border-bottom:1px solid var(--line)}
.component:last-child{border-bottom:0}
.component .head{display:flex;justify-content:space-between;align-items:center;gap:1rem}
svg.bars{width:100%;height:34px;display:block}
svg.bars rect{fill:var(--ok)}
svg.bars rect.d-minor{fill:#9ac83c}
svg.bars rect.d-major{fill:var(--major)}
svg.bars rect.d-down{fill:var(--down)}
svg.bars rect.d-none{fill:var(--none)}
svg.bars rect:hover{opacity:.7}
.bar-legend{display:flex;justify-content:space-between;font-size:.8rem;color:var(--muted)}
svg.chart{width:100%;height:auto;background:var(--card);border:1px solid var(--line);border-radius:6px}
svg.chart text{font-size:11px;fill:var(--muted)}
svg.chart .grid-line{stroke:var(--line)}
.timeline{list-style:none;padding:0;margin:.4rem 0}
.timeline li{border-left:3px solid var(--line);padding:.2rem 0 .6rem .8rem}
.timeline time{color:var(--muted);font-size:.85rem;display:block}
form.inline{display:inline}
form.stack{display:grid;gap:.5rem;max-width:640px}
input[type=text],input[type=password],textarea,select{font:inherit;padding:.35rem .5rem;border:1px solid #a0aec0;border-radius:4px;width:100%}
textarea{min-height:4.5rem}
button{font:inherit;padding:.35rem .9rem;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--accent)}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:flex-start;margin:.6rem 0}
.error{color:var(--down);font-weight:600}
.diff-add{color:var(--ok)}
.diff-del{color:var(--down)}
.diff-chg{color:var(--major)}
.filters{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}
.filters input[type=text]{width:16rem}
.filters select{width:auto}
tr.hidden{display:none}
code{font-size:.85em;background:#edf2f7;padding:.05rem .25rem;border-radius:3px}
footer{color:var(--muted);font-size:.85rem;text-align:center;padding:1rem}
img.logo{max-height:48px;vertical-align:middle;margin-right:.6rem}
td.num{white-space:nowrap}
form.stack button{justify-self:start}
.card>h2:first-child,.card>h3:first-child{margin-top:0}
.card>dl:first-child{margin:0}
figure{margin:0}
figcaption{font-size:.85rem;color:var(--muted);margin-bottom:.3rem}
`;

const JS = `(function(){
  var q=document.querySelector('[data-filter-table]');
  if(q){var t=document.getElementById(q.getAttribute('data-filter-table'));
    q.addEventListener('input',function(){var v=q.value.toLowerCase();
      t.querySelectorAll('tbody tr').forEach(function(r){
        r.classList.toggle('hidden',v!==''&&r.getAttribute('data-name').indexOf(v)<0);});});}
  document.querySelectorAll('select[data-autosubmit]').forEach(function(s){
    var b=s.form&&s.form.querySelector('button');if(b)b.hidden=true;
    s.addEventListener('change',function(){s.form.submit();});});
  document.querySelectorAll('form[data-confirm]').forEach(function(f){
    f.addEventListener('submit',function(e){if(!window.confirm(f.getAttribute('data-confirm')))e.preventDefault();});});
})();
`;

const short = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

export const CSS_PATH = `/assets/app.${short(CSS)}.css`;
export const JS_PATH = `/assets/app.${short(JS)}.js`;

export const ASSETS: Record<string, { type: string; body: string }> = {
  [CSS_PATH]: { type: 'text/css; charset=utf-8', body: CSS },
  [JS_PATH]: { type: 'text/javascript; charset=utf-8', body: JS },
};
