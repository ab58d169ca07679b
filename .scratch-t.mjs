import YAML from 'yaml';
const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 1; i < 9; i++) lol.push(`${String.fromCharCode(97+i)}: &${String.fromCharCode(97+i)} [${Array(9).fill('*'+String.fromCharCode(96+i)).join(',')}]`);
try { const d = YAML.parseDocument(lol.join('\n')); console.log('lol errors', d.errors.length); d.toJS(); console.log('lol ok'); } catch (e) { console.log('lol threw', e.constructor.name, e.message); }
const d2 = YAML.parseDocument('a: &x [*x]\n'); console.log('rec errors', d2.errors.map(e=>e.message)); try { const v = d2.toJS(); console.log('rec ok', v.a === v.a[0]); } catch (e) { console.log('rec threw', e.message) }
const d3 = YAML.parseDocument('a: *nope\n'); console.log('undef alias errors', d3.errors.map(e=>e.message));
try { d3.toJS() } catch (e) { console.log('undef threw', e.message) }
const d4 = YAML.parseDocument('a: &x {b: *x}\n'); try { const v = d4.toJS(); console.log('rec map ok', v.a.b === v.a) } catch (e) { console.log('rec map threw', e.message) }
const d5 = YAML.parseDocument('? &x [*x]\n: 1\n'); console.log(d5.errors.map(e=>e.message)); try { const v = d5.toJS(); console.log('rec key ok', v) } catch (e) { console.log('rec key threw', e.message) }
const d6 = YAML.parseDocument('a: &x 1\nb: *x\nc: &x 2\nd: *x\n'); console.log('dup anchor', d6.errors.map(e=>e.message), d6.warnings.map(e=>e.message), d6.toJS());
const d7 = YAML.parseDocument('<<: {a: 1}\nb: 2\n'); console.log('merge', d7.toJS());
const d8 = YAML.parseDocument('a: !!binary aGVsbG8=\nb: !foo x\nc: !!set {a, b}\nd: 2001-12-14\ne: 0x1f\nf: .inf\n'); console.log('tags', d8.errors.map(e=>e.message), d8.warnings.map(e=>e.message), d8.toJS());
