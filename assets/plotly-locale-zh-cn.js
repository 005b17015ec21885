/* Plotly.js locale zh-CN (Simplified Chinese): registered now if Plotly is loaded, else queued
   in window.PlotlyLocales, which plotly.js registers when it loads. */
(function () {
    var locale = {
        moduleType: 'locale',
        name: 'zh-CN',
        dictionary: {
            'Autoscale': '自动缩放',
            'Box Select': '矩形框选择',
            'Click to enter Colorscale title': '点击输入色阶的标题',
            'Click to enter Component A title': '点击输入组件A的标题',
            'Click to enter Component B title': '点击输入组件B的标题',
            'Click to enter Component C title': '点击输入组件C的标题',
            'Click to enter Plot title': '点击输入图表的标题',
            'Click to enter X axis title': '点击输入X轴的标题',
            'Click to enter Y axis title': '点击输入Y轴的标题',
            'Click to enter radial axis title': '点击输入径向轴的标题',
            'Compare data on hover': '悬停时比较数据',
            'Double-click on legend to isolate one trace': '双击图例来突显对应轨迹',
            'Double-click to zoom back out': '双击返回缩小显示',
            'Download plot': '下载图表',
            'Download plot as a png': '下载图表为PNG格式',
            'Download plot as a PNG': '下载图表为PNG格式',
            'Download plot as an SVG': '下载图表为SVG格式',
            'Edit in Chart Studio': '在Chart Studio中编辑',
            'IE only supports svg.  Changing format to svg.': 'IE只支持SVG。转换格式为SVG。',
            'Lasso Select': '套索选择',
            'Orbital rotation': '轨道旋转',
            'Pan': '平移',
            'Produced with Plotly.js': '由Plotly.js生成',
            'Reset': '重置',
            'Reset axes': '重置轴',
            'Reset camera to default': '重置镜头视角为默认状态',
            'Reset camera to last save': '重置镜头视角为上次保存状态',
            'Reset view': '重置视图',
            'Reset views': '重置视图',
            'Show closest data on hover': '悬停时显示最近的数据',
            'Snapshot succeeded': '生成快照成功',
            'Sorry, there was a problem downloading your snapshot!': '抱歉，下载快照出现问题！',
            'Taking snapshot - this may take a few seconds': '正在生成快照 - 可能需要几秒钟',
            'Toggle Spike Lines': '启用/禁用尖峰线',
            'Toggle show closest data on hover': '启用/禁用悬停时显示最近的数据',
            'Turntable rotation': '转台旋转',
            'Zoom': '缩放',
            'Zoom in': '放大',
            'Zoom out': '缩小',
            'close:': '关闭:',
            'high:': '最高:',
            'low:': '最低:',
            'max:': '最大值:',
            'mean:': '平均值:',
            'median:': '中位数:',
            'min:': '最小值:',
            'new text': '新文本',
            'open:': '开盘:',
            'q1:': '下四分位数:',
            'q3:': '上四分位数:',
            'source:': '来源:',
            'target:': '目标:',
            'trace': '轨迹'
        },
        format: {
            days: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
            shortDays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
            months: ['一月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月', '十月', '十一月', '十二月'],
            shortMonths: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
            date: '%Y-%m-%d',
            decimal: '.',
            thousands: ','
        }
    };
    if (typeof window.Plotly === 'undefined' || typeof window.Plotly.register !== 'function') {
        window.PlotlyLocales = window.PlotlyLocales || [];
        window.PlotlyLocales.push(locale);
    } else {
        window.Plotly.register(locale);
    }
})();
