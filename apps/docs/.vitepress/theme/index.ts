import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import SpectrumExplorer from '../../components/SpectrumExplorer.vue';
import FigureGallery from '../../components/FigureGallery.vue';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('SpectrumExplorer', SpectrumExplorer);
    app.component('FigureGallery', FigureGallery);
  },
};

export default theme;
